/**
 * The customer's chat window, built to /widget-chat.js and loaded by the main widget on demand
 * (widget/chat/launcher.ts). It uses the main widget's transport, so it holds only the UI.
 */
import type { Client } from '../transport.ts';
import { MAX_CHAT_MESSAGE_LENGTH, type ChatMessageView, type ChatState, type ChatStreamMessage } from '../../protocol/chat.ts';
import { button as uiButton, h, icon } from '../ui/h.ts';
import { addStyles } from '../ui/root.ts';
import { loadChat, saveChat, type StoredChat } from './chat-store.ts';
import { pageAddress } from '../../protocol/page-address.ts';
import { fill } from '../i18n/texts.ts';
import { CHAT_CSS } from './chat-styles.ts';
import { CHAT_EN } from './chat-texts.ts';
import type { ChatHost } from './chat-host.ts';

const START_CHAT = 'mutation($input: StartChatInput!){ startChat(input:$input){ customerToken chat { id } } }';
const SEND =
  'mutation($chatId: ID!, $text: String!, $chatToken: String){ sendChatMessage(chatId:$chatId, text:$text, chatToken:$chatToken){ sequence } }';
const END = 'mutation($chatId: ID!, $chatToken: String){ endChat(chatId:$chatId, chatToken:$chatToken){ status } }';
const STREAM = 'subscription($chatId: ID!, $chatToken: String){ chatStream(chatId:$chatId, chatToken:$chatToken) }';

/** Stream errors after which this chat cannot go on (its token no longer opens it). */
const FATAL_CODES = ['FORBIDDEN', 'NOT_FOUND', 'UNAUTHENTICATED'];
const RESUBSCRIBE_DELAY_MS = 1000;

const SEND_ICON = 'M4 12l16-8-6 16-3-6z';

/** Opens the chat window (or resumes this tab's chat) and takes over the Chat with us button. */
export function mountChat(host: ChatHost, openNow: boolean): void {
  const { shadow, serverOrigin, button, transport } = host;
  const t = { ...CHAT_EN, ...host.texts };
  addStyles(shadow, CHAT_CSS);
  const status = h('span', { class: 'st' });
  const minimise = h('button', { type: 'button', class: 'min', 'aria-label': t.chatMinimise, title: t.chatMinimise }, '\u2212');
  const log = h('ol', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': t.chatMessages }) as HTMLOListElement;
  const input = h('input', {
    'data-testid': 'cobrowse-chat-input',
    maxlength: String(MAX_CHAT_MESSAGE_LENGTH),
    'aria-label': t.chatMessage,
    placeholder: t.chatPlaceholder,
    autocomplete: 'off',
  }) as HTMLInputElement;
  const form = h(
    'form',
    { class: 'send' },
    input,
    h('button', { type: 'submit', 'data-testid': 'cobrowse-chat-send', 'aria-label': t.chatSend }, icon(SEND_ICON)),
  ) as HTMLFormElement;
  const endButton = uiButton('end', 'cobrowse-chat-end', t.chatEnd);
  endButton.hidden = true;
  const box = h(
    'section',
    { class: 'card chat', 'aria-label': t.chatTitle },
    h('div', { class: 'hd' }, h('span', { class: 'dot' }), h('span', { class: 'tt' }, t.chatTitle), status, minimise),
    log,
    form,
    endButton,
  );
  button.parentElement!.before(box);
  const label = button.lastChild as HTMLElement;
  const statusText = (chat: ChatState): string =>
    chat.status === 'ACTIVE'
      ? fill(t.chatWith, { agent: chat.agentName ?? t.chatAnAgent })
      : chat.status === 'QUEUED'
        ? t.chatWaiting
        : t.chatEnded;

  let stored: StoredChat | null = loadChat();
  let client: Client | null = null;
  let stopStream: (() => void) | undefined;
  let lastSequence = 0;
  let unread = 0;

  const line = (text: string, className: string, testId?: string) => {
    const item = document.createElement('li');
    item.className = className;
    item.textContent = text;
    if (testId) item.dataset.testid = testId;
    log.append(item);
    log.scrollTop = log.scrollHeight;
    return item;
  };
  const info = (text: string, error = false) => line(text, error ? 'info err' : 'info');

  const showUnread = () => {
    label.textContent = t.chatOpen;
    if (unread > 0) label.append(' ', h('span', { class: 'unread', 'aria-label': fill(t.chatUnread, { count: unread }) }, String(unread)));
  };

  const show = (open: boolean) => {
    box.hidden = !open;
    button.hidden = open;
    if (open) {
      unread = 0;
      input.focus();
    }
    showUnread();
    if (stored) saveChat((stored = { ...stored, open }));
  };

  const setState = (chat: ChatState) => {
    box.className = `card chat ${chat.status === 'QUEUED' ? 'WAITING' : chat.status}`;
    status.textContent = statusText(chat);
    endButton.hidden = chat.status === 'ENDED';
  };

  const addMessage = (message: ChatMessageView) => {
    if (message.sequence <= lastSequence) return; // replayed after a reconnect
    lastSequence = message.sequence;
    const kind = message.sender === 'CUSTOMER' ? 'me' : message.sender === 'SYSTEM' ? 'sys' : 'them';
    const item = line(message.text, `msg ${kind}`, 'cobrowse-chat-message');
    if (kind === 'them' && message.senderName) {
      const who = document.createElement('b');
      who.textContent = message.senderName;
      item.prepend(who);
    }
    if (box.hidden && kind !== 'me') {
      unread++;
      showUnread();
    }
  };

  /** The chat is over here: forget it; the next message starts a new one. */
  const finish = (text: string) => {
    stopStream?.();
    client?.dispose();
    client = null;
    stored = null;
    saveChat(null);
    endButton.hidden = true;
    status.textContent = t.chatEnded;
    box.className = 'card chat';
    info(text);
    input.placeholder = t.chatPlaceholderNew;
  };

  const onMessage = (message: ChatStreamMessage) => {
    if (message.type === 'message') return addMessage(message.message);
    if (message.type !== 'chat') return;
    setState(message.chat);
    if (message.event === 'accepted') info(fill(t.chatJoined, { agent: message.chat.agentName ?? t.anAgent }));
    if (message.chat.status === 'ENDED') finish(message.chat.endedBy === 'CUSTOMER' ? t.chatEndedByYou : t.chatEndedByAgent);
  };

  /** Whether `chat` is still this window's chat (the stored object changes when the window opens or closes). */
  const current = (chat: StoredChat) => stored?.chatId === chat.chatId;

  const subscribe = () => {
    const chat = stored;
    if (!chat) return;
    client ??= transport.openSocket(serverOrigin, '', {
      connected: () => current(chat) && status.textContent === t.reconnecting && (status.textContent = ''),
      closed: () => current(chat) && (status.textContent = t.reconnecting),
    });
    stopStream = client.subscribe<{ chatStream: ChatStreamMessage }>(
      { query: STREAM, variables: { chatId: chat.chatId, chatToken: chat.token } },
      {
        next: ({ data }) => data && current(chat) && onMessage(data.chatStream),
        error: (error) => {
          if (!current(chat)) return;
          const code = Array.isArray(error) ? (error[0] as { extensions?: { code?: string } } | undefined)?.extensions?.code : undefined;
          if (code && FATAL_CODES.includes(code)) return finish(t.chatUnavailable);
          setTimeout(() => current(chat) && subscribe(), RESUBSCRIBE_DELAY_MS);
        },
        complete: () => {},
      },
    );
  };

  const begin = async () => {
    log.textContent = '';
    lastSequence = 0;
    input.placeholder = t.chatPlaceholder;
    const { startChat } = await transport.postGraphQL<{ startChat: { customerToken: string; chat: { id: string } } }>(
      serverOrigin,
      START_CHAT,
      { input: { url: pageAddress(location.href) } },
    );
    stored = { chatId: startChat.chat.id, token: startChat.customerToken, open: true };
    saveChat(stored);
    subscribe();
  };

  form.onsubmit = async (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    try {
      if (!stored) await begin();
      const chat = stored!;
      await transport.execute(client!, SEND, { chatId: chat.chatId, text, chatToken: chat.token });
    } catch (error) {
      if (!input.value) input.value = text; // not lost: the customer can send it again
      info((error as Error).message, true);
    }
  };

  endButton.onclick = () => {
    const chat = stored;
    if (!chat) return;
    const variables = { chatId: chat.chatId, chatToken: chat.token };
    void (client ? transport.execute(client, END, variables) : transport.postGraphQL(serverOrigin, END, variables)).catch(() => {});
    finish(t.chatEndedByYou);
  };

  minimise.onclick = () => {
    show(false);
    button.focus();
  };
  button.onclick = () => show(true);

  if (stored) subscribe();
  else info(t.chatWelcome);
  show(openNow || (stored?.open ?? false));
}
