import { sendEventsLimit } from '../../../server/limits/public-surface-limits.ts';
import type { GraphQLContext } from '../../context.ts';
import { AppError, ErrorCode } from '../../../server/core/errors.ts';

/**
 * How long a connection trusts that its session is still open before reading it again. The end
 * reaches the customer's own stream at once (noteSessionEnded), so this only bounds a client that
 * sends batches without following its stream; a shorter one cost a database read per session
 * every second, a third of the server's work per batch in the capacity benchmark.
 */
const OPEN_STATUS_TTL_MS = 5000;

/**
 * Batches a connection pays for at once against its address's budget, so the shared counter (a
 * Redis round trip when several instances run) is touched once per this many batches, not for
 * each of a busy customer's 30 a second. Never more than a minute's budget allows in one go: a
 * small budget is charged batch by batch, exactly. A charge refused in part refuses the batch,
 * so a connection is at most a few batches short of its budget, never over it.
 */
export const MAX_BATCHES_PER_CHARGE = 10;
export const batchesPerCharge = (perMinute: number) => Math.min(MAX_BATCHES_PER_CHARGE, Math.max(1, Math.floor(perMinute / 60)));

async function chargeBatch(ctx: GraphQLContext): Promise<void> {
  const credit = (ctx.memo.get('batch-credit') as number | undefined) ?? 0;
  if (credit > 0) {
    ctx.memo.set('batch-credit', credit - 1);
    return;
  }
  // Over HTTP the memo lasts one request: a batch there pays for itself alone.
  const charge = ctx.transport === 'ws' ? batchesPerCharge(ctx.config.sendEventsPerAddressPerMinute) : 1;
  await sendEventsLimit(ctx).consume(ctx.clientAddress, charge);
  ctx.memo.set('batch-credit', charge - 1);
}

const sessionEnded = () => new AppError(ErrorCode.SESSION_ENDED, 'This co-browse session has ended.');

/** The session ended, as this connection's stream just said: refuse its batches from now on. */
export function noteSessionEnded(ctx: GraphQLContext, sessionId: string): void {
  ctx.memo.set(`open-until:${sessionId}`, 'ended');
}

/**
 * Admits a customer's event batch: within the address's budget, and only while the session is
 * open (not ended). Paused stays open because a session pauses while the customer
 * is off the site *until they come back* — the page they come back to arrives as a batch.
 * Batches come up to 30 a second, so the status is read at most every few seconds per
 * connection, and an ended session is remembered for good.
 *
 * Returns false while the session waits for an agent: nothing of the page is shared before one
 * joins, so such a batch is dropped (the widget sends none). That status is not remembered, so
 * the first batch after the join, which the widget sends once its stream says so, is read afresh.
 */
export async function admitCustomerBatch(ctx: GraphQLContext, sessionId: string): Promise<boolean> {
  await chargeBatch(ctx);
  const key = `open-until:${sessionId}`;
  const known = ctx.memo.get(key) as number | 'ended' | undefined;
  if (known === 'ended') throw sessionEnded();
  if (known !== undefined && known > Date.now()) return true;
  let session: { status: string } | null;
  try {
    session = await ctx.db.session.findUnique({ where: { id: sessionId }, select: { status: true } });
  } catch (error) {
    // The database is briefly down: a session known to be open stays so (its page visits are queued).
    if (known !== undefined) return true;
    throw error;
  }
  if (!session || session.status === 'ENDED') {
    ctx.memo.set(key, 'ended');
    throw sessionEnded();
  }
  if (session.status === 'WAITING') return false;
  ctx.memo.set(key, Date.now() + OPEN_STATUS_TTL_MS);
  return true;
}
