import type { PrismaClient } from '../core/db/index.ts';
import { GENESIS_HASH, auditEventDigest } from './append-audit-event.ts';

export interface AuditVerification {
  intact: boolean;
  events: number;
  /** The first sequence number whose row was edited, removed or reordered. */
  brokenAt: number | null;
}

/** Rows are checked this many at a time, so a long trail is never held in memory at once. */
const PAGE_ROWS = 1000;

/**
 * Recomputes a session's hash chain from its stored rows: any edited or removed row shows.
 * The chain's head (hash and count) is kept on the session row, so removing the newest rows — or
 * all of them — shows too. Rows appended after the head was read are not part of this check.
 */
export async function verifyAuditChain(db: PrismaClient, sessionId: string): Promise<AuditVerification> {
  const head = await db.session.findUnique({ where: { id: sessionId }, select: { auditHeadHash: true, auditCount: true } });
  // Sessions from before the head was kept have none (null, 0): only their rows can be checked.
  const headKnown = head !== null && (head.auditHeadHash !== null || head.auditCount > 0);
  const limit = headKnown ? { sequence: { lte: head.auditCount } } : {};
  let prevHash = GENESIS_HASH;
  let checked = 0;
  let brokenAt: number | null = null;
  for (let after = 0; brokenAt === null; ) {
    const rows = await db.auditEvent.findMany({
      where: { sessionId, sequence: { gt: after }, ...limit },
      orderBy: { sequence: 'asc' },
      take: PAGE_ROWS,
    });
    for (const row of rows) {
      const expectedSequence = checked + 1;
      if (row.sequence !== expectedSequence || row.prevHash !== prevHash || row.hash !== auditEventDigest(prevHash, row)) {
        brokenAt = Math.min(row.sequence, expectedSequence);
        break;
      }
      prevHash = row.hash;
      checked += 1;
      after = row.sequence;
    }
    if (rows.length < PAGE_ROWS) break;
  }
  // The newest rows (or all of them) removed: the stored head is ahead of what the rows reach.
  if (brokenAt === null && headKnown && (checked !== head.auditCount || prevHash !== (head.auditHeadHash ?? GENESIS_HASH))) {
    brokenAt = checked + 1;
  }
  const events = await db.auditEvent.count({ where: { sessionId, ...limit } });
  return { intact: brokenAt === null, events, brokenAt };
}
