import { createMemoryPubSub } from './memory-pubsub.ts';
import { createRedisPubSub } from './redis-pubsub.ts';
import type { PubSub } from './pubsub.ts';

export { topics, type PubSub } from './pubsub.ts';
export { subscribeToTopics } from './subscribe-to-topics.ts';

/** Redis when a URL is configured, otherwise in-process. */
export const openPubSub = (redisUrl: string | undefined): Promise<PubSub> =>
  redisUrl ? createRedisPubSub(redisUrl) : Promise.resolve(createMemoryPubSub());
