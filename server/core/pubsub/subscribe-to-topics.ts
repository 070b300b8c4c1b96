import { AppError, ErrorCode } from '../errors.ts';
import { messageJson } from './message-json.ts';
import type { PubSub, Unsubscribe } from './pubsub.ts';

/** Without a configured budget (SUBSCRIBER_QUEUE_BYTES), a subscriber may fall this many bytes behind. */
export const DEFAULT_MAX_QUEUED_BYTES = 16 * 1024 * 1024;

/** What holding one message costs besides its payload, so a flood of tiny messages is bounded too. */
const MESSAGE_OVERHEAD_BYTES = 64;

/** Roughly the bytes a message will take on the wire: its JSON length (made once, and reused for the frame). */
export function estimateBytes(message: unknown): number {
  if (typeof message === 'string') return message.length + MESSAGE_OVERHEAD_BYTES;
  if (message === null || typeof message !== 'object') return MESSAGE_OVERHEAD_BYTES;
  return messageJson(message).length + MESSAGE_OVERHEAD_BYTES;
}

interface Options<T> {
  /** Yielded first, after the topics are live, so a (re)subscriber starts from current state. */
  initial?: () => Promise<T[]>;
  /** Stop after yielding a message this returns true for (e.g. the session ended). */
  isLast?: (message: T) => boolean;
  /** Drop messages this returns false for. */
  filter?: (message: T) => boolean;
  /** Called once when the subscription ends, however it ends. */
  onFinish?: () => void;
  /** Bytes of undelivered messages past which the subscriber is cut off (SLOW_CONSUMER). */
  maxQueuedBytes?: number;
  /**
   * Delivers a message past the iterator (graphql/operation-root.ts), tried only while the
   * subscriber waits with nothing queued, so messages stay in order; false queues it as usual.
   * Never given the last message, which ends the iteration.
   */
  deliverNow?: (message: T) => boolean;
}

/**
 * Turns pub/sub topics into the async iterator a GraphQL subscription resolver returns.
 * A hand-written iterator rather than an async generator: a generator waiting for the next
 * message cannot be returned early, so a client's unsubscribe would leak the topic listeners.
 *
 * graphql-ws pulls the next message only once the previous one is written to the socket, so a
 * slow reader's backlog collects here. It is counted in bytes (a 4 MB snapshot is not one small
 * pointer move); a subscriber over the budget is cut off and reconnects to resync from a snapshot.
 * Sizes are measured only while a backlog exists, so a subscriber that keeps up costs nothing.
 */
export async function subscribeToTopics<T>(
  pubsub: PubSub,
  topicNames: string[],
  options: Options<T> = {},
): Promise<AsyncIterableIterator<T>> {
  const maxQueuedBytes = options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
  const queue: { message: T; bytes: number }[] = [];
  let queuedBytes = 0;
  let wake: (() => void) | undefined;
  /** The subscriber waits in next(): everything before was handed over, nothing is queued. */
  let waiting = false;
  let overflowed = false;
  let done = false;
  const push = (message: unknown) => {
    const typed = message as T;
    if (done || overflowed || (options.filter && !options.filter(typed))) return;
    if (waiting && queue.length === 0 && options.deliverNow && !options.isLast?.(typed) && options.deliverNow(typed)) return;
    const bytes = queue.length === 0 ? 0 : estimateBytes(message);
    if (queuedBytes + bytes > maxQueuedBytes) {
      overflowed = true;
      queue.length = 0; // nothing more will be delivered; let the backlog go now
      queuedBytes = 0;
    } else {
      queue.push({ message: typed, bytes });
      queuedBytes += bytes;
    }
    wake?.();
  };
  const unsubscribes: Unsubscribe[] = [];
  const unsubscribeAll = () => Promise.allSettled(unsubscribes.map((unsubscribe) => unsubscribe()));
  try {
    for (const topic of topicNames) unsubscribes.push(await pubsub.subscribe(topic, push));
    if (options.initial) queue.unshift(...(await options.initial()).map((message) => ({ message, bytes: 0 })));
  } catch (error) {
    // Nobody will iterate (or return) this subscription: the listeners already added must go now.
    done = true;
    options.onFinish?.();
    await unsubscribeAll();
    throw error;
  }

  const finish = async (): Promise<IteratorResult<T>> => {
    if (!done) {
      done = true;
      queue.length = 0;
      wake?.();
      options.onFinish?.();
      await unsubscribeAll();
    }
    return { done: true, value: undefined };
  };

  let lastYielded = false;
  const iterator: AsyncIterableIterator<T> = {
    async next() {
      if (lastYielded) return finish();
      while (queue.length === 0 && !overflowed && !done) {
        waiting = true;
        await new Promise<void>((resolve) => (wake = resolve));
        waiting = false;
      }
      if (done) return { done: true, value: undefined };
      if (overflowed) {
        await finish();
        throw new AppError(ErrorCode.SLOW_CONSUMER, 'The connection fell behind; reconnect to resync.');
      }
      const { message, bytes } = queue.shift()!;
      queuedBytes -= bytes;
      if (options.isLast?.(message)) lastYielded = true;
      return { done: false, value: message };
    },
    return: finish,
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
