/**
 * The only chat code in the main widget: the **Chat with us** button, and the token that ties a
 * co-browse session to the open chat. The chat itself is a second bundle, /widget-chat.js,
 * loaded on the first click — or at once when this tab already has a chat — so the main widget
 * stays inside its size budget.
 */
import type { WidgetTexts } from '../api.ts';
import { execute, openSocket, postGraphQL } from '../transport.ts';
import { loadChat } from './chat-store.ts';
import type { mountChat } from './index.ts';

/** The open chat's token, passed to startSession so co-browse opens from the chat. */
export const openChatToken = (): string | undefined => loadChat()?.token;

/** Puts the Chat with us button beside Start Co-browse. */
export function addChatButton(shadow: ShadowRoot, serverOrigin: string, texts: WidgetTexts): void {
  const start = shadow.querySelector('.start');
  if (!start) return;
  const row = document.createElement('div');
  row.className = 'row';
  row.innerHTML =
    // The icon's markup starts like Start Co-browse's, which gzip then stores once.
    '<button type="button" class="start" data-testid="cobrowse-chat-open"><svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" aria-hidden="true"><path d="M4 5h16v11H9l-5 4z"/></svg><span></span></button>';
  start.before(row);
  row.append(start);
  const button = row.firstChild as HTMLButtonElement;
  button.lastChild!.textContent = texts.chatOpen;
  let loading: Promise<unknown> | undefined;
  const load = (openNow: boolean) =>
    (loading ??= (import(/* @vite-ignore */ `${serverOrigin}/widget-chat.js`) as Promise<{ mountChat: typeof mountChat }>).then(
      (chat) => chat.mountChat({ shadow, serverOrigin, button, transport: { openSocket, execute, postGraphQL }, texts }, openNow),
      () => (loading = undefined), // try again on the next click
    ));
  button.onclick = () => void load(true);
  if (loadChat()) void load(false);
}
