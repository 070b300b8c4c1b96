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
 * Throttle on guessing session codes. Every attempt is charged before the code is looked up — so a
 * burst of parallel guesses cannot all slip in while the first is still being checked — and a join
 * that succeeds gives its charge back: only failures (an unknown, ended, expired or taken code) stay
 * counted, so an agent joining normally never trips it. Per agent, and per address so that many
 * accounts behind one address cannot share the work. A locked-out caller is refused even with a
 * right code, or the lockout would not slow the guessing down.
 */
export function joinFailureLimits(deps: LimitDeps) {
  const lockout = { durationSeconds: JOIN_FAILURE_WINDOW_SECONDS, blockSeconds: deps.config.joinLockoutSeconds };
  const perAgent = deps.limits.limiter('join-failures-agent', { ...lockout, points: deps.config.joinFailuresPerAgent });
  const perAddress = deps.limits.limiter('join-failures-address', { ...lockout, points: deps.config.joinFailuresPerAddress });
  return {
    /**
     * Charges one attempt to the agent and the address; throws RATE_LIMITED when either has spent
     * its allowance (and gives the other its point back: a refused attempt is no guess).
     */
    async charge(agentId: string, address: string): Promise<void> {
      const [agent, place] = await Promise.allSettled([perAgent.consume(agentId), perAddress.consume(address)]);
      if (agent.status === 'fulfilled' && place.status === 'fulfilled') return;
      await Promise.all([
        agent.status === 'fulfilled' ? perAgent.refund(agentId) : null,
        place.status === 'fulfilled' ? perAddress.refund(address) : null,
      ]);
      throw (agent.status === 'rejected' ? agent.reason : (place as PromiseRejectedResult).reason) as Error;
    },
    /** Gives a charged attempt back: it joined, or it turned out to be no guess. */
    async refund(agentId: string, address: string): Promise<void> {
      await Promise.all([perAgent.refund(agentId), perAddress.refund(address)]);
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
