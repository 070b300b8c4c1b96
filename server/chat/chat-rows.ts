import type { Chat, ChatMessage } from '../../generated/prisma/sqlite/client.ts';
import type { PrismaClient, UserRow } from '../core/db/index.ts';
import type { PubSub } from '../core/pubsub/index.ts';
import type { Config } from '../core/config.ts';
import type { RateLimits } from '../limits/rate-limiter.ts';

export type ChatRow = Chat;
export type ChatMessageRow = ChatMessage;
export type ChatWithAgent = ChatRow & { agent: UserRow | null };

/** What chat operations that only store and tell need. */
export interface ChatStoreDeps {
  db: PrismaClient;
  pubsub: PubSub;
}

/** What operations on behalf of a caller need: limits and settings on top. */
export interface ChatDeps extends ChatStoreDeps {
  config: Config;
  limits: RateLimits;
}

/** The name the customer gave, kept in the chat's metadata JSON. */
export function customerNameOf(chat: Pick<ChatRow, 'metadata'>): string | null {
  if (!chat.metadata) return null;
  try {
    const name = (JSON.parse(chat.metadata) as { name?: unknown }).name;
    return typeof name === 'string' && name !== '' ? name : null;
  } catch {
    return null;
  }
}
