import type { SessionDeps } from './deps.ts';
import { endSession } from './end-session.ts';
import type { CustomerPresence } from './presence.ts';

/** Why a session ended when its customer stayed away too long (SessionState.endReason). */
export const CUSTOMER_GONE_REASON = 'timeout';

/**
 * Ends every session whose customer has been gone longer than `timeoutSeconds` (the agent is
 * freed and both sides, supervisors included, are told by endSession). Safe on every instance
 * at once: endSession ends a session only once. Returns the ids it ended.
 */
export async function endSessionsOfGoneCustomers(
  deps: SessionDeps,
  presence: Pick<CustomerPresence, 'holds'>,
  timeoutSeconds: number,
  now = new Date(),
): Promise<string[]> {
  const cutoff = new Date(now.getTime() - timeoutSeconds * 1000);
  const stale = await deps.db.session.findMany({
    where: { status: { not: 'ENDED' }, customerGoneAt: { lt: cutoff } },
    select: { id: true },
  });
  const ended: string[] = [];
  for (const { id } of stale) {
    if (presence.holds(id)) continue; // connected here; the heartbeat corrects the column
    await endSession(deps, id, { kind: 'SYSTEM', id: null }, CUSTOMER_GONE_REASON);
    ended.push(id);
  }
  return ended;
}

/** How often to sweep: often enough that a session ends within about a quarter of the timeout. */
export const sweepIntervalMs = (timeoutSeconds: number) => Math.min(10_000, Math.max(250, (timeoutSeconds * 1000) / 4));

/**
 * Runs the presence heartbeat and the gone-customer sweep on this instance until stopped (the
 * returned function, which waits for a sweep under way). Sweeps never overlap; a failed one
 * (database down) is logged and retried on the next tick.
 */
export function sweepGoneCustomers(
  deps: SessionDeps,
  presence: CustomerPresence,
  timeoutSeconds: number,
  log: (error: unknown) => void = console.error,
): () => Promise<void> {
  let sweeping: Promise<void> | null = null;
  const timer = setInterval(() => {
    sweeping ??= presence
      .heartbeat()
      .then(() => endSessionsOfGoneCustomers(deps, presence, timeoutSeconds))
      .then(() => undefined, log)
      .finally(() => (sweeping = null));
  }, sweepIntervalMs(timeoutSeconds));
  timer.unref();
  return async () => {
    clearInterval(timer);
    await sweeping;
  };
}
