import type { Config } from '../core/config.ts';
import type { SessionDeps } from './deps.ts';
import { endSession } from './end-session.ts';

/** Sessions ended per sweep at most; the next sweep takes the rest. */
const SWEEP_BATCH = 100;

/** Sessions created at or before this moment and still waiting for an agent have expired. */
export const waitingCutoff = (config: Pick<Config, 'waitingSessionTtlSeconds'>, now = Date.now()): Date =>
  new Date(now - config.waitingSessionTtlSeconds * 1000);

/**
 * Ends the waiting sessions no agent joined in time (reason `expired`): audited, and both sides
 * told, through the same path as any other end. Returns how many it ended.
 */
export async function expireWaitingSessions(deps: SessionDeps & { config: Config }): Promise<number> {
  const expired = await deps.db.session.findMany({
    where: { status: 'WAITING', agentId: null, createdAt: { lte: waitingCutoff(deps.config) } },
    select: { id: true },
    orderBy: { createdAt: 'asc' },
    take: SWEEP_BATCH,
  });
  for (const { id } of expired) await endSession(deps, id, { kind: 'SYSTEM', id: null }, 'expired');
  return expired.length;
}

/**
 * Sweeps every WAITING_SESSION_SWEEP_SECONDS (a join checks the time itself, so a session is never
 * joinable past its time, whenever the sweep comes). Every instance may sweep; ending is idempotent.
 */
export function startWaitingSessionSweep(deps: SessionDeps & { config: Config }): () => Promise<void> {
  const everyMs = deps.config.waitingSessionSweepSeconds * 1000;
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    // A sweep still running (a slow database) is not stacked upon.
    running ??= expireWaitingSessions(deps)
      .then(
        () => {},
        (error: unknown) => console.error('Expiring waiting sessions failed:', error),
      )
      .finally(() => (running = null));
  }, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
