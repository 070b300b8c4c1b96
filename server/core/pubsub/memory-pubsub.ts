import type { PubSub } from './pubsub.ts';

const delivered = Promise.resolve();

/** In-process pub/sub: the default for a single server instance. */
export function createMemoryPubSub(): PubSub {
  const listeners = new Map<string, Set<(message: unknown) => void>>();
  return {
    publish(topic, message) {
      const set = listeners.get(topic);
      if (set) for (const listener of set) listener(message);
      return delivered; // one settled promise for every publish: there is nothing to wait for
    },
    async subscribe(topic, onMessage) {
      let set = listeners.get(topic);
      if (!set) listeners.set(topic, (set = new Set()));
      set.add(onMessage);
      return async () => {
        set.delete(onMessage);
        if (set.size === 0) listeners.delete(topic);
      };
    },
    async close() {
      listeners.clear();
    },
  };
}
