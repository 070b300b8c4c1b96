'use client';

import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { MAX_CHAT_MESSAGE_LENGTH, parseCobrowseStart, type ChatMessageView } from '../../protocol/chat';
import { type SessionSummary } from '../lib/documents';
import { JOIN_CHAT_SESSION } from '../lib/identity-documents';
import { describeError } from '../lib/graphql-client';
import { formatCode } from '../lib/session-code';
import { ACCEPT_CHAT, END_CHAT, MY_CHATS, SEND_CHAT_MESSAGE } from './chat-documents';
import { useAgentChats, useChatQueue, type AgentChat, type CobrowseStarted } from './chat-state';
import type { NoticeTone } from './notices';
import './chat-panel.css';

/** The customer's name, or — for customers who gave none — a short tag that tells chats apart. */
const customerLabel = (name: string | null | undefined, chatId: string) => name || `Visitor ${chatId.slice(-4).toUpperCase()}`;

const clock = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

function waitingFor(iso: string, now: number): string {
  const minutes = Math.floor((now - new Date(iso).getTime()) / 60_000);
  return minutes < 1 ? 'just now' : `${minutes} min`;
}

/** Re-renders every `ms`, for "waiting 3 min". */
function useNow(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

/**
 * The agent's chats beside the co-browse area: the queue (accept), the chats the agent handles
 * (switch, unread counts), and the conversation on screen. A customer who starts co-browse from a
 * chat gets the session opened here by itself — unless one is already open (one at a time).
 */
export function ChatPanel({
  notify,
  hasSession,
  onJoined,
}: {
  notify: (tone: NoticeTone, text: string) => void;
  hasSession: boolean;
  onJoined: (session: SessionSummary) => void;
}) {
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [accepting, setAccepting] = useState<string | null>(null);
  const queue = useChatQueue();
  const [, joinChatSession] = useMutation(JOIN_CHAT_SESSION);
  const [, acceptChat] = useMutation(ACCEPT_CHAT);
  const [{ data: mine }] = useQuery({ query: MY_CHATS });
  const now = useNow(30_000);
  const sessionOpen = useRef(hasSession);
  sessionOpen.current = hasSession;

  const join = useCallback(
    // By the session the server announced, not its code: the customer may have left already, and
    // that must not count against this agent as a wrong guess.
    async (sessionId: string) => {
      const result = await joinChatSession({ sessionId });
      const error = describeError(result.error);
      if (error || !result.data) return notify('error', error?.message ?? 'Could not join.');
      onJoined(result.data.joinChatSession);
    },
    [joinChatSession, notify, onJoined],
  );

  const onCobrowseStarted = useCallback(
    (_chatId: string, started: CobrowseStarted) => {
      if (started.agentBusy || sessionOpen.current) {
        return notify(
          'warning',
          `The customer started co-browse session ${formatCode(started.code)} from the chat. You already have a session open: exit it, then join by ID ${formatCode(started.code)}.`,
        );
      }
      void join(started.sessionId);
    },
    [join, notify],
  );

  const { chats, follow, close, markRead } = useAgentChats(selectedId, onCobrowseStarted);

  // The chats the agent already had when the page loaded.
  useEffect(() => {
    if (!mine) return;
    follow(mine.myChats);
    const first = mine.myChats[0];
    if (first) setSelectedId((current) => current ?? first.id);
  }, [mine, follow]);

  async function accept(chatId: string) {
    setAccepting(chatId);
    const result = await acceptChat({ chatId });
    setAccepting(null);
    const error = describeError(result.error);
    if (error || !result.data) return notify('error', error?.message ?? 'Could not accept the chat.');
    follow([result.data.acceptChat]);
    setSelectedId(chatId);
  }

  function select(chatId: string) {
    setSelectedId(chatId);
    markRead(chatId);
  }

  const selected = chats.find((chat) => chat.id === selectedId) ?? null;

  return (
    <aside className="chat-panel" aria-label="Chats">
      <header className="chat-panel-head">
        <h2>Chats</h2>
        <span className={`chat-waiting ${queue.length ? 'some' : ''}`}>{queue.length} waiting</span>
      </header>

      {queue.length > 0 && (
        <section className="chat-queue" aria-label="Waiting for an agent">
          <ul>
            {queue.map((item) => (
              <li key={item.id} className="chat-queue-item" data-testid="chat-queue-item">
                <span className="chat-avatar" aria-hidden="true">
                  {customerLabel(item.customerName, item.id).slice(0, 1).toUpperCase()}
                </span>
                <div className="chat-queue-text">
                  <strong>{customerLabel(item.customerName, item.id)}</strong>
                  <span className="muted small">{item.preview ?? `Waiting ${waitingFor(item.createdAt, now)}`}</span>
                </div>
                <button
                  type="button"
                  className="button primary small"
                  onClick={() => void accept(item.id)}
                  disabled={accepting === item.id}
                  data-testid="chat-accept"
                >
                  Accept
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}

      {chats.length > 0 && (
        <nav className="chat-tabs" aria-label="Your chats">
          {chats.map((chat) => (
            <ChatTab key={chat.id} chat={chat} selected={chat.id === selectedId} onSelect={() => select(chat.id)} />
          ))}
        </nav>
      )}

      {selected ? (
        <Conversation
          key={selected.id}
          chat={selected}
          notify={notify}
          hasSession={hasSession}
          onJoin={join}
          onClose={() => {
            close(selected.id);
            setSelectedId(chats.find((chat) => chat.id !== selected.id)?.id ?? null);
          }}
        />
      ) : (
        <div className="chat-empty">
          <ChatIcon />
          <p>{queue.length ? 'Accept a chat to start answering.' : 'No chats right now. New chats from customers appear here.'}</p>
        </div>
      )}
    </aside>
  );
}

function ChatTab({ chat, selected, onSelect }: { chat: AgentChat; selected: boolean; onSelect: () => void }) {
  const last = chat.messages.at(-1);
  const ended = chat.state?.status === 'ENDED';
  const name = customerLabel(chat.state?.customerName ?? chat.summary.customerName, chat.id);
  return (
    <button
      type="button"
      className={`chat-tab ${selected ? 'selected' : ''} ${ended ? 'ended' : ''}`}
      aria-pressed={selected}
      onClick={onSelect}
    >
      <span className="chat-avatar" aria-hidden="true">
        {name.slice(0, 1).toUpperCase()}
      </span>
      <span className="chat-tab-text">
        <strong>{name}</strong>
        <span className="muted small">{ended ? 'Chat ended' : (last?.text ?? 'No messages yet')}</span>
      </span>
      {chat.unread > 0 && (
        <span className="chat-unread" aria-label={`${chat.unread} unread`} data-testid="chat-unread">
          {chat.unread}
        </span>
      )}
    </button>
  );
}

function Conversation({
  chat,
  notify,
  hasSession,
  onJoin,
  onClose,
}: {
  chat: AgentChat;
  notify: (tone: NoticeTone, text: string) => void;
  hasSession: boolean;
  onJoin: (code: string) => Promise<void>;
  onClose: () => void;
}) {
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const [, sendMessage] = useMutation(SEND_CHAT_MESSAGE);
  const [, endChat] = useMutation(END_CHAT);
  const log = useRef<HTMLOListElement>(null);
  const ended = chat.state?.status === 'ENDED';
  const name = customerLabel(chat.state?.customerName ?? chat.summary.customerName, chat.id);

  useEffect(() => {
    log.current?.scrollTo({ top: log.current.scrollHeight });
  }, [chat.messages.length]);

  async function send(event: FormEvent) {
    event.preventDefault();
    const message = text.trim();
    if (!message || sending) return;
    setSending(true);
    const result = await sendMessage({ chatId: chat.id, text: message });
    setSending(false);
    const error = describeError(result.error);
    if (error) return notify('error', error.message);
    setText('');
  }

  async function end() {
    const result = await endChat({ chatId: chat.id });
    const error = describeError(result.error);
    if (error) notify('error', error.message);
  }

  return (
    <section className="chat-conversation" aria-label={`Chat with ${name}`}>
      <header className="chat-conversation-head">
        <div>
          <strong>{name}</strong>
          <div className="muted small">
            {ended ? (chat.state?.endedBy === 'AGENT' ? 'You ended this chat' : 'The customer ended this chat') : 'Chatting now'}
          </div>
        </div>
        {ended ? (
          <button type="button" className="button small" onClick={onClose}>
            Close
          </button>
        ) : (
          <button type="button" className="button danger small" onClick={() => void end()} data-testid="chat-end">
            End chat
          </button>
        )}
      </header>
      <ol className="chat-log" ref={log} aria-live="polite" aria-label="Messages">
        {chat.messages.map((message) => (
          <MessageItem key={message.sequence} message={message} customer={name} hasSession={hasSession} onJoin={onJoin} />
        ))}
        {ended && <li className="chat-note">The chat has ended.</li>}
      </ol>
      <form className="chat-compose" onSubmit={send}>
        <input
          value={text}
          onChange={(event) => setText(event.target.value)}
          placeholder={ended ? 'This chat has ended' : `Message ${name}…`}
          aria-label="Message"
          maxLength={MAX_CHAT_MESSAGE_LENGTH}
          disabled={ended}
          data-testid="chat-input"
        />
        <button
          type="submit"
          className="icon-button primary"
          aria-label="Send"
          disabled={ended || sending || !text.trim()}
          data-testid="chat-send"
        >
          <svg
            viewBox="0 0 24 24"
            width="18"
            height="18"
            fill="none"
            stroke="currentColor"
            strokeWidth="2"
            strokeLinejoin="round"
            aria-hidden="true"
          >
            <path d="M4 12l16-8-6 16-3-6z" />
          </svg>
        </button>
      </form>
    </section>
  );
}

function MessageItem({
  message,
  customer,
  hasSession,
  onJoin,
}: {
  message: ChatMessageView;
  customer: string;
  hasSession: boolean;
  onJoin: (code: string) => Promise<void>;
}) {
  const code = message.sender === 'SYSTEM' ? parseCobrowseStart(message.text) : null;
  if (message.sender === 'SYSTEM') {
    return (
      <li className="chat-message system" data-testid="chat-message">
        <code>{message.text}</code>
        {code && (
          <span className="muted small">
            Co-browse {formatCode(code)}
            {!hasSession && (
              <>
                {' · '}
                <button type="button" className="link-button" onClick={() => void onJoin(code)}>
                  Join
                </button>
              </>
            )}
          </span>
        )}
      </li>
    );
  }
  const mine = message.sender === 'AGENT';
  return (
    <li className={`chat-message ${mine ? 'mine' : 'theirs'}`} data-testid="chat-message">
      <span className="chat-bubble">{message.text}</span>
      <span className="chat-meta">
        {mine ? 'You' : customer} · {clock(message.at)}
      </span>
    </li>
  );
}

function ChatIcon() {
  return (
    <svg
      viewBox="0 0 24 24"
      width="40"
      height="40"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.6"
      strokeLinejoin="round"
      aria-hidden="true"
    >
      <path d="M4 5h16v11H9l-5 4z" />
      <path d="M8 9h8M8 12h5" />
    </svg>
  );
}
