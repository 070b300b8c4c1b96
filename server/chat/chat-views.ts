import type { ChatMessageView, ChatState, QueuedChat } from '../../protocol/chat.ts';
import { customerNameOf, type ChatMessageRow, type ChatWithAgent, type ChatRow } from './chat-rows.ts';

/** How much of the customer's latest message the queue shows. */
const PREVIEW_CHARS = 120;

/** What both sides are told about a chat; nothing secret. */
export const toChatState = (chat: ChatWithAgent): ChatState => ({
  id: chat.id,
  status: chat.status,
  customerName: customerNameOf(chat),
  agentName: chat.agent?.name ?? null,
  createdAt: chat.createdAt.toISOString(),
  endedBy: chat.endedBy,
});

export const toMessageView = (message: ChatMessageRow, senderName: string | null): ChatMessageView => ({
  id: message.id,
  sequence: message.sequence,
  at: message.at.toISOString(),
  sender: message.sender,
  senderName,
  text: message.text,
});

export const toQueuedChat = (chat: ChatRow, latest: string | null): QueuedChat => ({
  id: chat.id,
  createdAt: chat.createdAt.toISOString(),
  customerName: customerNameOf(chat),
  origin: chat.origin,
  preview: latest === null ? null : latest.length > PREVIEW_CHARS ? `${latest.slice(0, PREVIEW_CHARS - 1)}…` : latest,
});
