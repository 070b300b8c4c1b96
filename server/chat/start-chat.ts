import { MAX_CHAT_CUSTOMER_NAME_LENGTH, type ChatQueueMessage } from '../../protocol/chat.ts';
import { badInput } from '../core/errors.ts';
import { hashToken, newToken } from '../auth/tokens.ts';
import { enqueueWebhookEvent } from '../webhooks/enqueue-webhook-event.ts';
import type { ChatStoreDeps, ChatWithAgent } from './chat-rows.ts';
import { MAX_CHAT_URL_LENGTH } from './chat-limits.ts';
import { chatTopics } from './chat-topics.ts';
import { toQueuedChat } from './chat-views.ts';

export interface StartChatInput {
  /** Origin of the page that asked, already checked against the allowed origins. */
  origin: string;
  url: string;
  customerName?: string | null | undefined;
}

/** Opens a chat in the queue for a customer, and the secret that proves they own it. */
export async function startChat(deps: ChatStoreDeps, input: StartChatInput): Promise<{ chat: ChatWithAgent; customerToken: string }> {
  if (input.url.length > MAX_CHAT_URL_LENGTH) throw badInput(`url is longer than ${MAX_CHAT_URL_LENGTH} characters.`);
  let pageOrigin: string | null = null;
  try {
    pageOrigin = new URL(input.url).origin;
  } catch {
    // reported below
  }
  if (pageOrigin !== input.origin) throw badInput('url must be a page on the origin that starts the chat.');
  const name = input.customerName?.trim() ?? '';
  if (name.length > MAX_CHAT_CUSTOMER_NAME_LENGTH) throw badInput(`Your name can be at most ${MAX_CHAT_CUSTOMER_NAME_LENGTH} characters.`);

  const customerToken = newToken();
  const chat = await deps.db.$transaction(async (tx) => {
    const created = await tx.chat.create({
      data: {
        customerTokenHash: hashToken(customerToken),
        origin: input.origin,
        metadata: name ? JSON.stringify({ name }) : null,
      },
      include: { agent: true },
    });
    // Announced to webhooks with the chat's row, never without it.
    await enqueueWebhookEvent(tx, { type: 'chat.started', data: { chatId: created.id, origin: created.origin } });
    return created;
  });
  await Promise.all([
    deps.pubsub.publish(chatTopics.queue, { type: 'queued', chat: toQueuedChat(chat, null) } satisfies ChatQueueMessage),
    deps.pubsub.publish(chatTopics.started, { chatId: chat.id }),
  ]);
  return { chat, customerToken };
}
