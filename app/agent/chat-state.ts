'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { useSubscription } from 'urql';
import type { ChatQueueSubscription } from '../../graphql/generated/client/graphql';
import type { ChatMessageView, ChatQueueMessage, ChatState, ChatStreamMessage, QueuedChat } from '../../protocol/chat';
import { useWsClient } from '../lib/graphql-provider';
import { documentText } from '../lib/use-stream-events';
import { CHAT_QUEUE, CHAT_STREAM, type ChatSummary } from './chat-documents';

/** One of the agent's chats, with what the panel shows of it. */
export interface AgentChat {
  id: string;
  state: ChatState | null;
  summary: ChatSummary;
  messages: ChatMessageView[];
  /** Customer messages that arrived while another chat was on screen. */
  unread: number;
}

/** The live `cobrowse-started` message of a chat: the customer started co-browse from it. */
export type CobrowseStarted = Extract<ChatStreamMessage, { type: 'cobrowse-started' }>;

/** The queue after one `chatQueue` message: a snapshot (on every (re)subscription), a removal, or a new or updated chat. */
function nextQueue(current: QueuedChat[], message: ChatQueueMessage): QueuedChat[] {
  if (message.type === 'snapshot') return message.chats;
  if (message.type === 'removed') return current.filter((chat) => chat.id !== message.chatId);
  return current.some((chat) => chat.id === message.chat.id)
    ? current.map((chat) => (chat.id === message.chat.id ? message.chat : chat)) // a newer preview
    : [...current, message.chat];
}

/** The chats waiting for any agent, kept up to date by the `chatQueue` subscription. */
export function useChatQueue(): QueuedChat[] {
  const [{ data }] = useSubscription<ChatQueueSubscription, QueuedChat[]>({ query: CHAT_QUEUE }, (queue = [], value) =>
    value.chatQueue ? nextQueue(queue, value.chatQueue as ChatQueueMessage) : queue,
  );
  return data ?? [];
}

/**
 * The agent's own chats: one `chatStream` per chat (history first, then live), unread counts for
 * the chats not on screen, and the co-browse sessions customers start from them.
 */
export function useAgentChats(selectedId: string | null, onCobrowseStarted: (chatId: string, started: CobrowseStarted) => void) {
  const ws = useWsClient();
  const [chats, setChats] = useState<AgentChat[]>([]);
  const streams = useRef(new Map<string, () => void>());
  const latest = useRef({ selectedId, onCobrowseStarted });
  latest.current = { selectedId, onCobrowseStarted };

  const update = useCallback((chatId: string, change: (chat: AgentChat) => AgentChat) => {
    setChats((current) => current.map((chat) => (chat.id === chatId ? change(chat) : chat)));
  }, []);

  const onMessage = useCallback(
    (chatId: string, message: ChatStreamMessage) => {
      if (message.type === 'cobrowse-started') return latest.current.onCobrowseStarted(chatId, message);
      if (message.type === 'chat') return update(chatId, (chat) => ({ ...chat, state: message.chat }));
      const incoming = message.message;
      update(chatId, (chat) => {
        if (chat.messages.some((known) => known.sequence >= incoming.sequence)) return chat; // replayed on resubscribe
        const unseen = latest.current.selectedId !== chatId && incoming.sender === 'CUSTOMER';
        return { ...chat, messages: [...chat.messages, incoming], unread: chat.unread + (unseen ? 1 : 0) };
      });
    },
    [update],
  );

  /** Adds chats (from myChats at load, or just accepted) and follows each one's stream. */
  const follow = useCallback(
    (summaries: ChatSummary[]) => {
      setChats((current) => [
        ...current,
        ...summaries
          .filter((summary) => !current.some((chat) => chat.id === summary.id))
          .map((summary) => ({ id: summary.id, summary, state: null, messages: [], unread: 0 })),
      ]);
      for (const summary of summaries) {
        if (streams.current.has(summary.id)) continue;
        const stop = ws.subscribe<{ chatStream: ChatStreamMessage }>(
          { query: documentText(CHAT_STREAM), variables: { chatId: summary.id } },
          {
            next: ({ data }) => data?.chatStream && onMessage(summary.id, data.chatStream),
            error: () => {},
            complete: () => streams.current.delete(summary.id),
          },
        );
        streams.current.set(summary.id, stop);
      }
    },
    [ws, onMessage],
  );

  /** Takes an ended chat off the list. */
  const close = useCallback((chatId: string) => {
    streams.current.get(chatId)?.();
    streams.current.delete(chatId);
    setChats((current) => current.filter((chat) => chat.id !== chatId));
  }, []);

  const markRead = useCallback((chatId: string) => update(chatId, (chat) => (chat.unread ? { ...chat, unread: 0 } : chat)), [update]);

  useEffect(() => {
    const open = streams.current;
    return () => {
      open.forEach((stop) => stop());
      open.clear();
    };
  }, []);

  return { chats, follow, close, markRead };
}
