import type { Config } from '../core/config.ts';
import type { RateLimiter, RateLimits } from './rate-limiter.ts';

/** What the throttles of the public surface need: the shared counters and their configuration. */
export interface LimitDeps {
  limits: RateLimits;
  config: Config;
}

/** Failed joins are counted over this window; past the allowance the agent or address is locked out. */
const JOIN_FAILURE_WINDOW_SECONDS = 600;

/**
 * Throttle on guessing session codes. Only failures count (an unknown, ended, expired or taken
 * code), so an agent joining normally never trips it; per agent, and per address so that many
 * accounts behind one address cannot share the work. A locked-out caller is refused even with a
 * right code, or the lockout would not slow the guessing down.
 */
export function joinFailureLimits(deps: LimitDeps) {
  const lockout = { durationSeconds: JOIN_FAILURE_WINDOW_SECONDS, blockSeconds: deps.config.joinLockoutSeconds };
  const perAgent = deps.limits.limiter('join-failures-agent', { ...lockout, points: deps.config.joinFailuresPerAgent });
  const perAddress = deps.limits.limiter('join-failures-address', { ...lockout, points: deps.config.joinFailuresPerAddress });
  return {
    /** Throws RATE_LIMITED while the agent or the address is locked out. */
    async check(agentId: string, address: string): Promise<void> {
      await Promise.all([perAgent.check(agentId), perAddress.check(address)]);
    },
    /** Counts a failed join; throws RATE_LIMITED when this one used up the allowance. */
    async failed(agentId: string, address: string): Promise<void> {
      const outcomes = await Promise.allSettled([perAgent.consume(agentId), perAddress.consume(address)]);
      const refusal = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
      if (refusal) throw refusal.reason;
    },
  };
}

const perMinute = (deps: LimitDeps, name: string, points: number): RateLimiter =>
  deps.limits.limiter(name, { points, durationSeconds: 60 });

/** Anonymous `startSession` calls per client address. */
export const startSessionLimit = (deps: LimitDeps): RateLimiter =>
  perMinute(deps, 'start-session-address', deps.config.startSessionsPerAddressPerMinute);

/** Customer event batches per client address: far above one session's 30 a second. */
export const sendEventsLimit = (deps: LimitDeps): RateLimiter =>
  perMinute(deps, 'send-events-address', deps.config.sendEventsPerAddressPerMinute);

/** Upload-frame bytes per client address, charged by a frame's length before it is read. */
export const uploadBytesLimit = (deps: LimitDeps): RateLimiter =>
  deps.limits.limiter('upload-bytes-address', {
    points: deps.config.uploadBytesPerAddressPerMinute,
    durationSeconds: 60,
    message: 'Too many event batch bytes from this address. Wait a moment and try again.',
  });
