import { MAX_CHAT_MESSAGE_LENGTH, type ChatStreamMessage } from '../../protocol/chat.ts';
import { AppError, ErrorCode, badInput } from '../core/errors.ts';
import type { Actor } from '../audit/audit-event-types.ts';
import { isUniqueViolation } from '../core/db/index.ts';
import type { ChatDeps, ChatMessageRow, ChatStoreDeps } from './chat-rows.ts';
import { CHAT_MESSAGE_RATE } from './chat-limits.ts';
import { chatTopics } from './chat-topics.ts';
import { toMessageView } from './chat-views.ts';

/** Concurrent senders may draw the same next sequence number; one of them draws again. */
const SEQUENCE_ATTEMPTS = 5;

export const chatEnded = () => new AppError(ErrorCode.CHAT_ENDED, 'This chat has ended.');

/**
 * Stores a message under the chat's next sequence number and tells both sides. No checks of who
 * sends it: callers do that (the server's own `{start:<ID>}` message goes straight through).
 */
export async function appendChatMessage(
  deps: ChatStoreDeps,
  chatId: string,
  actor: Actor,
  senderName: string | null,
  text: string,
  maxMessages = Infinity,
): Promise<ChatMessageRow> {
  for (let attempt = 1; ; attempt++) {
    try {
      const message = await deps.db.$transaction(async (tx) => {
        const last = await tx.chatMessage.findFirst({ where: { chatId }, orderBy: { sequence: 'desc' }, select: { sequence: true } });
        const sequence = (last?.sequence ?? 0) + 1;
        if (sequence > maxMessages) {
          throw new AppError(
            ErrorCode.LIMIT_REACHED,
            `This chat has reached its limit of ${maxMessages} messages. Start a new chat to go on.`,
          );
        }
        return tx.chatMessage.create({ data: { chatId, sequence, sender: actor.kind, senderId: actor.id, text } });
      });
      await deps.pubsub.publish(chatTopics.chat(chatId), {
        type: 'message',
        message: toMessageView(message, senderName),
      } satisfies ChatStreamMessage);
      return message;
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= SEQUENCE_ATTEMPTS) throw error;
    }
  }
}

/** A message from the chat's customer or agent: length, rate and count limits, and never after the end. */
export async function postChatMessage(
  deps: ChatDeps,
  chat: { id: string; status: string },
  actor: Actor,
  senderName: string | null,
  rawText: string,
): Promise<ChatMessageRow> {
  const text = rawText.trim();
  if (text === '') throw badInput('A message cannot be empty.');
  if (text.length > MAX_CHAT_MESSAGE_LENGTH) throw badInput(`A message can be at most ${MAX_CHAT_MESSAGE_LENGTH} characters.`);
  if (chat.status === 'ENDED') throw chatEnded();
  await deps.limits.limiter('chat-message', CHAT_MESSAGE_RATE).consume(`${chat.id}:${actor.kind}`);
  return appendChatMessage(deps, chat.id, actor, senderName, text, deps.config.chatMaxMessages);
}
