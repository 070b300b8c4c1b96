import type { ChatQueueMessage, ChatStreamMessage } from '../../protocol/chat.ts';
import { AppError, ErrorCode, notFound } from '../core/errors.ts';
import type { UserRow } from '../core/db/index.ts';
import type { ChatStoreDeps, ChatWithAgent } from './chat-rows.ts';
import { chatTopics } from './chat-topics.ts';
import { toChatState } from './chat-views.ts';
import { chatEnded } from './post-chat-message.ts';

/**
 * An agent takes a chat from the queue. A conditional update, so two agents accepting at once
 * cannot both win. Agents handle any number of chats (only co-browse sessions are one at a time).
 */
export async function acceptChat(deps: ChatStoreDeps, agent: UserRow, chatId: string): Promise<ChatWithAgent> {
  const claimed = await deps.db.chat.updateMany({
    where: { id: chatId, status: 'QUEUED' },
    data: { status: 'ACTIVE', agentId: agent.id, acceptedAt: new Date() },
  });
  const chat = await deps.db.chat.findUnique({ where: { id: chatId }, include: { agent: true } });
  if (!chat) throw notFound('No such chat.');
  if (claimed.count === 0) {
    if (chat.agentId === agent.id) return chat; // a double click
    if (chat.status === 'ENDED') throw chatEnded();
    throw new AppError(ErrorCode.CHAT_TAKEN, 'Another agent has already accepted this chat.');
  }
  await Promise.all([
    deps.pubsub.publish(chatTopics.chat(chatId), { type: 'chat', event: 'accepted', chat: toChatState(chat) } satisfies ChatStreamMessage),
    deps.pubsub.publish(chatTopics.queue, { type: 'removed', chatId } satisfies ChatQueueMessage),
  ]);
  return chat;
}
