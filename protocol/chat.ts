/**
 * The chat protocol shared by the widget's chat, the server and the agent page.
 * Co-browse can start from a chat, and ending the chat ends that co-browse session.
 * Types and a few constants only; nothing here imports Node or the DOM.
 */
import type { ActorKind } from './messages.ts';

/** Longest chat message, in characters; the server refuses longer ones. */
export const MAX_CHAT_MESSAGE_LENGTH = 2000;

/** Longest name a customer may give when starting a chat. */
export const MAX_CHAT_CUSTOMER_NAME_LENGTH = 80;

/** A chat waits in the queue, is handled by one agent, or has ended. */
export type ChatStatus = 'QUEUED' | 'ACTIVE' | 'ENDED';

/** One chat message as both sides see it. */
export interface ChatMessageView {
  id: string;
  /** 1, 2, 3… per chat, in the order the server stored them. */
  sequence: number;
  at: string;
  /** SYSTEM for the messages the server posts itself, such as `{start:<ID>}`. */
  sender: ActorKind;
  senderName: string | null;
  text: string;
}

/** What both sides know about a chat. */
export interface ChatState {
  id: string;
  status: ChatStatus;
  customerName: string | null;
  agentName: string | null;
  createdAt: string;
  endedBy: ActorKind | null;
}

/** Everything the server pushes on a `chatStream` subscription. */
export type ChatStreamMessage =
  /** The chat's state: first on every subscription, then when an agent accepts it or it ends. */
  | { type: 'chat'; event: 'state' | 'accepted' | 'ended'; chat: ChatState }
  /** A new message (the history is replayed as these on every subscription). */
  | { type: 'message'; message: ChatMessageView }
  /**
   * To the chat's agent, live only: the customer started co-browse from the chat. When
   * `agentBusy` is false the agent page joins it by itself; otherwise the agent is told, as an
   * agent has only one co-browse session open at a time.
   */
  | { type: 'cobrowse-started'; sessionId: string; code: string; agentBusy: boolean };

/** A chat waiting for an agent, as the queue shows it. */
export interface QueuedChat {
  id: string;
  createdAt: string;
  customerName: string | null;
  origin: string;
  /** The customer's latest message so far, if any (cut short). */
  preview: string | null;
}

/**
 * What agents hear on the `chatQueue` subscription: the whole queue first (again after every
 * reconnect, replacing what the page had), then chats joining, changing and leaving it.
 */
export type ChatQueueMessage =
  | { type: 'snapshot'; chats: QueuedChat[] }
  | { type: 'queued'; chat: QueuedChat }
  | { type: 'removed'; chatId: string };

/** The message the server posts into a chat when its customer starts co-browse. */
export const cobrowseStartText = (code: string): string => `{start:${code}}`;

/** The session code in a `{start:<ID>}` message, or null for any other text. */
export const parseCobrowseStart = (text: string): string | null => /^\{start:(\d{9})\}$/.exec(text)?.[1] ?? null;
