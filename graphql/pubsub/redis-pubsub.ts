import { Redis } from 'ioredis';
import type { PubSub } from './pubsub.ts';

/**
 * Redis pub/sub for several server instances (B8): one connection publishes, one subscribes,
 * and local listeners fan out from the single Redis subscription per topic.
 */
export async function createRedisPubSub(redisUrl: string): Promise<PubSub> {
  const options = { lazyConnect: true, maxRetriesPerRequest: 3 };
  const publisher = new Redis(redisUrl, options);
  const subscriber = new Redis(redisUrl, options);
  await Promise.all([publisher.connect(), subscriber.connect()]);
  const listeners = new Map<string, Set<(message: unknown) => void>>();
  // Concurrent subscribers to one topic all wait for the same SUBSCRIBE to be acknowledged.
  const subscribed = new Map<string, Promise<unknown>>();

  subscriber.on('message', (topic: string, raw: string) => {
    const set = listeners.get(topic);
    if (!set) return;
    const message: unknown = JSON.parse(raw);
    for (const listener of set) listener(message);
  });

  return {
    async publish(topic, message) {
      await publisher.publish(topic, JSON.stringify(message));
    },
    async subscribe(topic, onMessage) {
      let set = listeners.get(topic);
      if (!set) {
        listeners.set(topic, (set = new Set()));
        subscribed.set(topic, subscriber.subscribe(topic));
      }
      set.add(onMessage);
      await subscribed.get(topic);
      return async () => {
        set.delete(onMessage);
        if (set.size === 0 && listeners.get(topic) === set) {
          listeners.delete(topic);
          subscribed.delete(topic);
          await subscriber.unsubscribe(topic);
        }
      };
    },
    async close() {
      listeners.clear();
      await Promise.allSettled([publisher.quit(), subscriber.quit()]);
    },
  };
}
