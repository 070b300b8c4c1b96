import type { PubSub } from './pubsub.ts';

/** In-process pub/sub: the default for a single server instance. */
export function createMemoryPubSub(): PubSub {
  const listeners = new Map<string, Set<(message: unknown) => void>>();
  return {
    async publish(topic, message) {
      for (const listener of listeners.get(topic) ?? []) listener(message);
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
