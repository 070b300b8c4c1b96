import { setTimeout as sleep } from 'node:timers/promises';
import type { PrismaClient, TransactionClient } from '../core/db/index.ts';
import { isUniqueViolation } from '../core/db/index.ts';

const ATTEMPTS = 8;

/**
 * A transaction that lost a race and can simply run again: a unique clash (P2002), a write conflict or
 * deadlock (P2034), or no connection / too long a wait behind other appenders (P2028, rolled back).
 */
export function isChainClash(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return isUniqueViolation(error) || code === 'P2034' || code === 'P2028';
}

/** Appenders to one busy session queue on its row lock; give them longer than Prisma's 2 s / 5 s defaults. */
const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 15_000 };

/**
 * Runs a transaction that appends to a session's audit chain, running it again from the start when
 * a concurrent one claimed the same sequence number or the database chose it as a deadlock victim.
 * The whole transaction is retried (PostgreSQL aborts it on the first error), so `fn` must re-read
 * what it decides on.
 */
export async function runAudited<T>(db: PrismaClient, fn: (tx: TransactionClient) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.$transaction(fn, TRANSACTION_OPTIONS);
    } catch (error) {
      if (!isChainClash(error) || attempt >= ATTEMPTS) throw error;
      // A little jitter, so the racers do not collide again in lockstep.
      await sleep(Math.random() * 10 * attempt);
    }
  }
}
