/**
 * The only chat code in the main widget: the **Chat with us** button, and the token that ties a
 * co-browse session to the open chat. The chat itself is a second bundle, /widget-chat.js,
 * loaded on the first click — or at once when this tab already has a chat — so the main widget
 * stays inside its size budget.
 */
import type { WidgetTexts } from '../api.ts';
import { execute, openSocket, postGraphQL } from '../transport.ts';
import { button as uiButton, h, icon } from '../ui/h.ts';
import { loadChat } from './chat-store.ts';
import type { mountChat } from './index.ts';

/** The open chat's token, passed to startSession so co-browse opens from the chat. */
export const openChatToken = (): string | undefined => loadChat()?.token;

/** Puts the Chat with us button beside Start Co-browse. */
export function addChatButton(shadow: ShadowRoot, serverOrigin: string, texts: WidgetTexts): void {
  const start = shadow.querySelector('.start');
  if (!start) return;
  const button = uiButton('start', 'cobrowse-chat-open', icon('M4 5h16v11H9l-5 4z'), h('span', null, texts.chatOpen));
  const row = h('div', { class: 'row' }, button);
  start.before(row);
  row.append(start);
  let loading: Promise<unknown> | undefined;
  const load = (openNow: boolean) =>
    (loading ??= (import(/* @vite-ignore */ `${serverOrigin}/widget-chat.js`) as Promise<{ mountChat: typeof mountChat }>).then(
      (chat) => chat.mountChat({ shadow, serverOrigin, button, transport: { openSocket, execute, postGraphQL }, texts }, openNow),
      () => (loading = undefined), // try again on the next click
    ));
  button.onclick = () => void load(true);
  if (loadChat()) void load(false);
}
