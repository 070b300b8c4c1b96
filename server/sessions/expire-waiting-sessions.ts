import { LIVE_SESSION_STATUSES } from '../../protocol/index.ts';
import type { Config } from '../core/config.ts';
import type { SessionDeps } from './deps.ts';
import { endSession } from './end-session.ts';
import { expireWriteRequest } from './write-mode.ts';
import { expireGuidedRequest } from './guided-mode.ts';
import { expireHandover } from './hand-over.ts';

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

/** A question or offer with a stored expiry, closed on time by the instance that made it. */
interface Expiring {
  what: string;
  /** The column holding its id (cleared when it closes) and the one holding its expiry. */
  idColumn: 'writeRequestId' | 'guidedRequestId' | 'handoverOfferId';
  expiryColumn: 'writeRequestExpiresAt' | 'guidedRequestExpiresAt' | 'handoverExpiresAt';
  expire: (deps: SessionDeps, sessionId: string, id: string) => Promise<unknown>;
}

const WRITE_REQUESTS: Expiring = {
  what: 'Write Mode requests',
  idColumn: 'writeRequestId',
  expiryColumn: 'writeRequestExpiresAt',
  expire: expireWriteRequest,
};
const GUIDED_REQUESTS: Expiring = {
  what: 'Guided Mode requests',
  idColumn: 'guidedRequestId',
  expiryColumn: 'guidedRequestExpiresAt',
  expire: expireGuidedRequest,
};
// An accepted offer keeps its id (a second click finds it) but not its expiry.
const HANDOVER_OFFERS: Expiring = {
  what: 'hand-over offers',
  idColumn: 'handoverOfferId',
  expiryColumn: 'handoverExpiresAt',
  expire: expireHandover,
};

/**
 * Closes those past their stored expiry that no timer closed (the instance that made them
 * restarted or stopped): audited as expired and everyone told, as by the timer.
 */
async function expireDue(deps: SessionDeps, { idColumn, expiryColumn, expire }: Expiring): Promise<number> {
  const due = (await deps.db.session.findMany({
    // Live sessions only (found by status): an ended session keeps its last request's columns.
    where: { status: { in: [...LIVE_SESSION_STATUSES] }, [idColumn]: { not: null }, [expiryColumn]: { lte: new Date() } },
    select: { id: true, [idColumn]: true },
    orderBy: { [expiryColumn]: 'asc' },
    take: SWEEP_BATCH,
  })) as unknown as ({ id: string } & Record<Expiring['idColumn'], string>)[];
  for (const row of due) await expire(deps, row.id, row[idColumn]);
  return due.length;
}

export const expireWriteRequests = (deps: SessionDeps) => expireDue(deps, WRITE_REQUESTS);
export const expireGuidedRequests = (deps: SessionDeps) => expireDue(deps, GUIDED_REQUESTS);
export const expireHandoverOffers = (deps: SessionDeps) => expireDue(deps, HANDOVER_OFFERS);

/**
 * Sweeps every WAITING_SESSION_SWEEP_SECONDS for waiting sessions, consent requests and hand-over
 * offers past their time (a join or an answer checks the time itself, so neither is accepted late, whenever
 * the sweep comes). Every instance may sweep; ending and expiring are idempotent.
 */
export function startWaitingSessionSweep(deps: SessionDeps & { config: Config }): () => Promise<void> {
  const everyMs = deps.config.waitingSessionSweepSeconds * 1000;
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    // A sweep still running (a slow database) is not stacked upon.
    running ??= Promise.all([
      expireWaitingSessions(deps).catch((error: unknown) => console.error('Expiring waiting sessions failed:', error)),
      ...[WRITE_REQUESTS, GUIDED_REQUESTS, HANDOVER_OFFERS].map((expiring) =>
        expireDue(deps, expiring).catch((error: unknown) => console.error(`Expiring ${expiring.what} failed:`, error)),
      ),
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
