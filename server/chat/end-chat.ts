import type { ChatQueueMessage, ChatStreamMessage } from '../../protocol/chat.ts';
import type { Actor } from '../audit/audit-event-types.ts';
import { endSession } from '../sessions/end-session.ts';
import { enqueueWebhookEvent } from '../webhooks/enqueue-webhook-event.ts';
import type { ChatStoreDeps, ChatWithAgent } from './chat-rows.ts';
import { chatTopics } from './chat-topics.ts';
import { toChatState } from './chat-views.ts';

/** The end reason of a co-browse session ended because its chat ended. */
export const CHAT_ENDED_REASON = 'chat-ended';

/**
 * Ends a chat (either side) and, at once, every co-browse session started from it; both
 * sides of those sessions are told by endSession. Idempotent.
 */
export async function endChat(deps: ChatStoreDeps, chatId: string, actor: Actor): Promise<ChatWithAgent> {
  const changed = await deps.db.$transaction(async (tx) => {
    const ended = await tx.chat.updateMany({
      where: { id: chatId, status: { not: 'ENDED' } },
      data: { status: 'ENDED', endedAt: new Date(), endedBy: actor.kind },
    });
    if (ended.count > 0) await enqueueWebhookEvent(tx, { type: 'chat.ended', data: { chatId, by: actor.kind, actorId: actor.id } });
    return ended;
  });
  const chat = await deps.db.chat.findUniqueOrThrow({ where: { id: chatId }, include: { agent: true } });
  // Sessions first, so the co-browse is gone by the time either side hears the chat ended.
  const open = await deps.db.session.findMany({ where: { chatId, status: { not: 'ENDED' } }, select: { id: true } });
  await Promise.all(open.map((session) => endSession(deps, session.id, actor, CHAT_ENDED_REASON)));
  if (changed.count > 0) {
    await Promise.all([
      deps.pubsub.publish(chatTopics.chat(chatId), { type: 'chat', event: 'ended', chat: toChatState(chat) } satisfies ChatStreamMessage),
      deps.pubsub.publish(chatTopics.queue, { type: 'removed', chatId } satisfies ChatQueueMessage),
    ]);
  }
  return chat;
}
