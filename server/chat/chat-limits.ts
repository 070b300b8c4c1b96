import type { LimitRule } from '../limits/rate-limiter.ts';

/** Messages one side of one chat may send in a burst: a person typing never comes close. */
export const CHAT_MESSAGE_RATE: LimitRule = { points: 10, durationSeconds: 10 };

/** New chats one address may open: the queue is shared by every agent, so it must not be flooded. */
export const CHAT_START_RATE: LimitRule = { points: 20, durationSeconds: 60 };

/** Longest page address stored with a chat. */
export const MAX_CHAT_URL_LENGTH = 4096;
