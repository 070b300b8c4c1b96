import type { PrismaClient } from '../core/db/index.ts';
import { sendWebhook, type AttemptResult } from './send-webhook.ts';
import type { TargetPolicy } from './target-address.ts';

/** An attempt's claim lapses this long after its timeout, so a crashed instance's deliveries are taken up again. */
const LEASE_MARGIN_MS = 30_000;
/** Each retry waits this many times longer than the one before. */
const BACKOFF_FACTOR = 3;
/** Finished deliveries are kept this long for the delivery log. */
const LOG_RETENTION_MS = 30 * 24 * 3600_000;
const PRUNE_INTERVAL_MS = 3600_000;
/** While the database is down every poll fails: say so at most this often. */
const POLL_FAILURE_LOG_INTERVAL_MS = 60_000;

export interface WebhookWorkerOptions {
  timeoutMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  pollIntervalMs: number;
  concurrency: number;
  policy: TargetPolicy;
  log: (line: string) => void;
}

export interface WebhookWorker {
  /** Looks for due deliveries now rather than at the next poll (after a test ping, say). */
  nudge(): void;
  /** Stops claiming and waits for the attempts under way (each is bounded by the timeout). */
  stop(): Promise<void>;
}

/** The wait after a failed attempt `attempt` (1-based): base × 3^(attempt−1), ±10 % so retries spread out. */
export const retryDelayMs = (retryBaseMs: number, attempt: number): number =>
  Math.round(retryBaseMs * BACKOFF_FACTOR ** (attempt - 1) * (0.9 + Math.random() * 0.2));

interface Claimed {
  id: string;
  /** The attempt this claim makes (1-based); later writes are conditional on it. */
  attempt: number;
}

/**
 * Claims up to `limit` due deliveries. Each claim is one conditional UPDATE (still pending, still
 * due, attempts unchanged): of two instances that read the same row, exactly one updates it.
 */
async function claimDue(db: PrismaClient, limit: number, leaseMs: number): Promise<Claimed[]> {
  const now = new Date();
  const due = await db.webhookDelivery.findMany({
    where: { status: 'PENDING', nextAttemptAt: { lte: now } },
    orderBy: { nextAttemptAt: 'asc' },
    take: limit,
    select: { id: true, attempts: true },
  });
  const claimed: Claimed[] = [];
  for (const row of due) {
    const won = await db.webhookDelivery.updateMany({
      where: { id: row.id, status: 'PENDING', attempts: row.attempts, nextAttemptAt: { lte: now } },
      data: { attempts: row.attempts + 1, nextAttemptAt: new Date(now.getTime() + leaseMs), lastAttemptAt: now },
    });
    if (won.count === 1) claimed.push({ id: row.id, attempt: row.attempts + 1 });
  }
  return claimed;
}

/** Sends due deliveries with bounded concurrency, retrying failures with exponential backoff. */
export function startWebhookWorker(db: PrismaClient, options: WebhookWorkerOptions): WebhookWorker {
  const leaseMs = options.timeoutMs + LEASE_MARGIN_MS;
  const running = new Set<Promise<void>>();
  let stopped = false;
  let polling = false;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let pollFailureLoggedAt = 0;

  /** Stores an attempt's outcome; `final` gives up whatever attempts are left. */
  async function record(claim: Claimed, result: AttemptResult, final = false): Promise<void> {
    const now = new Date();
    const outcome = { lastStatusCode: result.statusCode, lastError: result.error, responseExcerpt: result.excerpt };
    const data = result.ok
      ? { ...outcome, status: 'SUCCEEDED' as const, deliveredAt: now }
      : final || claim.attempt >= options.maxAttempts
        ? { ...outcome, status: 'FAILED' as const }
        : { ...outcome, nextAttemptAt: new Date(now.getTime() + retryDelayMs(options.retryBaseMs, claim.attempt)) };
    // Conditional on the claim: if it lapsed and another instance took the delivery, its result stands.
    await db.webhookDelivery.updateMany({ where: { id: claim.id, attempts: claim.attempt }, data });
    if (!result.ok) options.log(`Webhook delivery ${claim.id} attempt ${claim.attempt} failed: ${result.error}`);
  }

  async function deliver(claim: Claimed): Promise<void> {
    const delivery = await db.webhookDelivery.findUniqueOrThrow({ where: { id: claim.id }, include: { endpoint: true } });
    if (delivery.endpoint.deletedAt) {
      return record(claim, { ok: false, statusCode: null, error: 'The endpoint was deleted.', excerpt: null }, true);
    }
    await record(claim, await sendWebhook(delivery.endpoint, delivery, { timeoutMs: options.timeoutMs, policy: options.policy }));
  }

  async function poll(): Promise<void> {
    if (stopped) return;
    if (polling) return void (again = true);
    polling = true;
    clearTimeout(timer);
    try {
      do {
        again = false;
        const free = options.concurrency - running.size;
        if (free <= 0) break;
        const claimed = await claimDue(db, free, leaseMs);
        for (const claim of claimed) {
          const attempt: Promise<void> = deliver(claim)
            .catch((error: unknown) => options.log(`Webhook delivery ${claim.id} could not be recorded: ${String(error)}`))
            .finally(() => {
              running.delete(attempt);
              void poll(); // a slot is free: take the next due delivery without waiting for the poll
            });
          running.add(attempt);
        }
        if (claimed.length === free) again = true;
      } while (again && !stopped);
    } catch (error) {
      if (Date.now() - pollFailureLoggedAt >= POLL_FAILURE_LOG_INTERVAL_MS) {
        pollFailureLoggedAt = Date.now();
        options.log(`Webhook worker: looking for due deliveries failed (retrying every poll): ${String(error)}`);
      }
    } finally {
      polling = false;
      if (!stopped) timer = setTimeout(() => void poll(), options.pollIntervalMs);
    }
  }

  const prune = () =>
    db.webhookDelivery
      .deleteMany({ where: { status: { in: ['SUCCEEDED', 'FAILED'] }, createdAt: { lt: new Date(Date.now() - LOG_RETENTION_MS) } } })
      .catch((error: unknown) => options.log(`Webhook worker: pruning the delivery log failed: ${String(error)}`));
  const pruneTimer = setInterval(() => void prune(), PRUNE_INTERVAL_MS);
  pruneTimer.unref();
  void prune();
  void poll();

  return {
    nudge: () => void poll(),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      clearInterval(pruneTimer);
      while (polling || running.size > 0) await Promise.all([...running, new Promise((resolve) => setTimeout(resolve, 10))]);
    },
  };
}
