import { AppError, ErrorCode } from '../errors.ts';
import type { PubSub, Unsubscribe } from './pubsub.ts';

/** A subscriber that falls this far behind is cut off; it reconnects and resyncs from a snapshot. */
const MAX_QUEUED_MESSAGES = 5000;

interface Options<T> {
  /** Yielded first, after the topics are live, so a (re)subscriber starts from current state. */
  initial?: () => Promise<T[]>;
  /** Stop after yielding a message this returns true for (e.g. the session ended). */
  isLast?: (message: T) => boolean;
  /** Drop messages this returns false for. */
  filter?: (message: T) => boolean;
  /** Called once when the subscription ends, however it ends. */
  onFinish?: () => void;
}

/**
 * Turns pub/sub topics into the async iterator a GraphQL subscription resolver returns.
 * A hand-written iterator rather than an async generator: a generator waiting for the next
 * message cannot be returned early, so a client's unsubscribe would leak the topic listeners.
 */
export async function subscribeToTopics<T>(
  pubsub: PubSub,
  topicNames: string[],
  options: Options<T> = {},
): Promise<AsyncIterableIterator<T>> {
  const queue: T[] = [];
  let wake: (() => void) | undefined;
  let overflowed = false;
  let done = false;
  const push = (message: unknown) => {
    const typed = message as T;
    if (done || (options.filter && !options.filter(typed))) return;
    if (queue.length >= MAX_QUEUED_MESSAGES) overflowed = true;
    else queue.push(typed);
    wake?.();
  };
  const unsubscribes: Unsubscribe[] = [];
  for (const topic of topicNames) unsubscribes.push(await pubsub.subscribe(topic, push));
  if (options.initial) queue.unshift(...(await options.initial()));

  const finish = async (): Promise<IteratorResult<T>> => {
    if (!done) {
      done = true;
      wake?.();
      options.onFinish?.();
      await Promise.allSettled(unsubscribes.map((unsubscribe) => unsubscribe()));
    }
    return { done: true, value: undefined };
  };

  let lastYielded = false;
  const iterator: AsyncIterableIterator<T> = {
    async next() {
      if (lastYielded) return finish();
      while (queue.length === 0 && !overflowed && !done) await new Promise<void>((resolve) => (wake = resolve));
      if (done) return { done: true, value: undefined };
      if (overflowed) {
        await finish();
        throw new AppError(ErrorCode.SLOW_CONSUMER, 'The connection fell behind; reconnect to resync.');
      }
      const value = queue.shift() as T;
      if (options.isLast?.(value)) lastYielded = true;
      return { done: false, value };
    },
    return: finish,
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
