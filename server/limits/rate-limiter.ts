import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { rateLimited } from '../core/errors.ts';

/** How many points a key may spend per window, and how long it is locked out once it has spent them. */
export interface LimitRule {
  points: number;
  durationSeconds: number;
  /** Lockout after the points are spent (0: just wait for the window to pass). */
  blockSeconds?: number;
  /** What a refused caller is told (default: a generic "too many attempts"). */
  message?: string;
}

export interface RateLimiter {
  /** Spends points for a key; throws RATE_LIMITED (with `retryAfterSeconds`) when there are none left. */
  consume(key: string, points?: number): Promise<void>;
  /** Throws RATE_LIMITED if the key is locked out now, without spending anything. */
  check(key: string): Promise<void>;
  /** Forgets a key (e.g. after a successful sign-in). */
  reset(key: string): Promise<void>;
  /** Gives back points spent up front for an attempt that turned out fine. */
  refund(key: string, points?: number): Promise<void>;
}

export interface RateLimits {
  /** A named limiter; the same name on several instances shares counters when Redis is configured. */
  limiter(name: string, rule: LimitRule): RateLimiter;
  close(): Promise<void>;
}

const retryAfter = (res: RateLimiterRes) => Math.max(1, Math.ceil(res.msBeforeNext / 1000));

function wrap(inner: RateLimiterAbstract, rule: LimitRule, message: string): RateLimiter {
  const refuse = (res: RateLimiterRes) => rateLimited(message, retryAfter(res));
  return {
    async consume(key, points = 1) {
      try {
        await inner.consume(key, points);
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) throw refuse(rejection);
        throw rejection;
      }
    },
    async check(key) {
      const res = await inner.get(key);
      if (res && res.consumedPoints > rule.points) throw refuse(res);
    },
    async reset(key) {
      await inner.delete(key);
    },
    async refund(key, points = 1) {
      await inner.reward(key, points);
    },
  };
}

/**
 * Counters for throttling abuse (sign-in, joins, anonymous starts). In memory for one instance;
 * in Redis when configured, so every instance behind a load balancer counts together — with an
 * in-memory fallback so a Redis outage does not turn every limit off.
 */
export function openRateLimits(options: { redisUrl?: string; keyPrefix: string }): RateLimits {
  const redis = options.redisUrl ? new Redis(options.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false }) : null;
  redis?.on('error', () => {}); // the insurance limiter takes over; ioredis reconnects by itself
  const made = new Map<string, RateLimiter>();
  return {
    limiter(name, rule) {
      const existing = made.get(name);
      if (existing) return existing;
      const base = { points: rule.points, duration: rule.durationSeconds, blockDuration: rule.blockSeconds ?? 0 };
      const memory = new RateLimiterMemory({ ...base, keyPrefix: name });
      const inner = redis
        ? new RateLimiterRedis({ ...base, storeClient: redis, keyPrefix: `${options.keyPrefix}:rl:${name}`, insuranceLimiter: memory })
        : memory;
      const limiter = wrap(inner, rule, rule.message ?? 'Too many attempts. Wait a moment and try again.');
      made.set(name, limiter);
      return limiter;
    },
    async close() {
      await redis?.quit().catch(() => redis.disconnect()); // not connected: stop reconnecting, or the process lingers
    },
  };
}
