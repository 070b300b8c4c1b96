import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { messageJson, rememberMessageJson } from './message-json.ts';
import type { PubSub } from './pubsub.ts';

/** How often a failed PUBLISH or SUBSCRIBE is tried again before the caller is told. */
const ATTEMPTS = 4;
const FIRST_RETRY_MS = 100;

export interface RedisPubSubOptions {
  log?: (line: string) => void;
}

/** Runs a Redis command again with backoff (ioredis already waits out short reconnects per attempt). */
async function withRetries<T>(what: string, command: () => Promise<T>, log: (line: string) => void): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await command();
    } catch (error) {
      if (attempt >= ATTEMPTS) {
        log(`Redis pub/sub: ${what} failed after ${attempt} attempts: ${String(error)}`);
        throw new Error(`Redis pub/sub: ${what} failed: ${String(error)}`, { cause: error });
      }
      await sleep(FIRST_RETRY_MS * 3 ** (attempt - 1));
    }
  }
}

/**
 * Redis pub/sub for several server instances behind a plain load balancer: one connection publishes, one subscribes,
 * and local listeners fan out from the single Redis subscription per topic.
 *
 * Faults: a failed SUBSCRIBE or PUBLISH is retried a few times and then reported to the caller
 * (a publish after a committed change is never dropped silently); after Redis restarts, ioredis
 * reconnects and subscribes again to every channel it had (autoResubscribe).
 */
export async function createRedisPubSub(redisUrl: string, options: RedisPubSubOptions = {}): Promise<PubSub> {
  const log = options.log ?? ((line: string) => console.error(line));
  const connection = { lazyConnect: true, maxRetriesPerRequest: 3, autoResubscribe: true };
  const publisher = new Redis(redisUrl, connection);
  const subscriber = new Redis(redisUrl, connection);
  // Without a listener ioredis prints every failed reconnect; one line per outage is enough.
  for (const [name, client] of [
    ['publisher', publisher],
    ['subscriber', subscriber],
  ] as const) {
    let down = false;
    client.on('error', (error: Error) => {
      if (!down) log(`Redis ${name} connection lost: ${error.message}; reconnecting.`);
      down = true;
    });
    client.on('ready', () => {
      if (down) log(`Redis ${name} connection back.`);
      down = false;
    });
  }
  await Promise.all([publisher.connect(), subscriber.connect()]);
  const listeners = new Map<string, Set<(message: unknown) => void>>();
  // Concurrent subscribers to one topic all wait for the same SUBSCRIBE to be acknowledged.
  const subscribed = new Map<string, Promise<unknown>>();

  subscriber.on('message', (topic: string, raw: string) => {
    const set = listeners.get(topic);
    if (!set) return;
    const message: unknown = JSON.parse(raw);
    rememberMessageJson(message, raw);
    for (const listener of set) listener(message);
  });

  const release = async (topic: string, set: Set<(message: unknown) => void>) => {
    if (set.size === 0 && listeners.get(topic) === set) {
      listeners.delete(topic);
      subscribed.delete(topic);
      await subscriber.unsubscribe(topic).catch(() => {});
    }
  };

  return {
    async publish(topic, message) {
      const raw = typeof message === 'object' && message !== null ? messageJson(message) : JSON.stringify(message);
      await withRetries(`publish to ${topic}`, () => publisher.publish(topic, raw), log);
    },
    async subscribe(topic, onMessage) {
      let set = listeners.get(topic);
      if (!set) listeners.set(topic, (set = new Set()));
      if (!subscribed.has(topic)) {
        const subscribing = withRetries(`subscribe to ${topic}`, () => subscriber.subscribe(topic), log);
        subscribed.set(topic, subscribing);
        // A SUBSCRIBE that failed for good is forgotten, so the next subscriber tries again.
        subscribing.catch(() => subscribed.get(topic) === subscribing && subscribed.delete(topic));
      }
      const pending = subscribed.get(topic);
      set.add(onMessage);
      try {
        await pending;
      } catch (error) {
        set.delete(onMessage);
        await release(topic, set);
        throw error;
      }
      return async () => {
        set.delete(onMessage);
        await release(topic, set);
      };
    },
    async close() {
      listeners.clear();
      await Promise.allSettled([publisher.quit(), subscriber.quit()]);
    },
  };
}
