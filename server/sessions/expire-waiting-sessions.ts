import { LIVE_SESSION_STATUSES } from '../../protocol/index.ts';
import type { Config } from '../core/config.ts';
import type { SessionDeps } from './deps.ts';
import { endSession } from './end-session.ts';
import { expireWriteRequest } from './write-mode.ts';
import { expireGuidedRequest } from './guided-mode.ts';

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
 * Closes the Write Mode requests past their stored expiry that no timer closed (the instance that
 * took them restarted or stopped): audited WRITE_EXPIRED and both sides told, as by the timer.
 */
export async function expireWriteRequests(deps: SessionDeps): Promise<number> {
  const due = await deps.db.session.findMany({
    // Live sessions only (found by status): an ended session keeps its last request's columns.
    where: { status: { in: [...LIVE_SESSION_STATUSES] }, writeRequestId: { not: null }, writeRequestExpiresAt: { lte: new Date() } },
    select: { id: true, writeRequestId: true },
    orderBy: { writeRequestExpiresAt: 'asc' },
    take: SWEEP_BATCH,
  });
  for (const { id, writeRequestId } of due) if (writeRequestId) await expireWriteRequest(deps, id, writeRequestId);
  return due.length;
}

/** Closes the Guided Mode requests past their stored expiry that no timer closed, as for Write Mode. */
export async function expireGuidedRequests(deps: SessionDeps): Promise<number> {
  const due = await deps.db.session.findMany({
    where: { status: { in: [...LIVE_SESSION_STATUSES] }, guidedRequestId: { not: null }, guidedRequestExpiresAt: { lte: new Date() } },
    select: { id: true, guidedRequestId: true },
    orderBy: { guidedRequestExpiresAt: 'asc' },
    take: SWEEP_BATCH,
  });
  for (const { id, guidedRequestId } of due) if (guidedRequestId) await expireGuidedRequest(deps, id, guidedRequestId);
  return due.length;
}

/**
 * Sweeps every WAITING_SESSION_SWEEP_SECONDS for waiting sessions and Write Mode requests past
 * their time (a join or an answer checks the time itself, so neither is accepted late, whenever
 * the sweep comes). Every instance may sweep; ending and expiring are idempotent.
 */
export function startWaitingSessionSweep(deps: SessionDeps & { config: Config }): () => Promise<void> {
  const everyMs = deps.config.waitingSessionSweepSeconds * 1000;
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    // A sweep still running (a slow database) is not stacked upon.
    running ??= Promise.all([
      expireWaitingSessions(deps).catch((error: unknown) => console.error('Expiring waiting sessions failed:', error)),
      expireWriteRequests(deps).catch((error: unknown) => console.error('Expiring Write Mode requests failed:', error)),
      expireGuidedRequests(deps).catch((error: unknown) => console.error('Expiring Guided Mode requests failed:', error)),
    ])
      .then(() => {})
      .finally(() => (running = null));
  }, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
