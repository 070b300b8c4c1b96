import type { PrismaClient } from '../core/db/index.ts';
import { GENESIS_HASH, auditEventDigest, auditHeadSeal } from './append-audit-event.ts';

export interface AuditVerification {
  intact: boolean;
  events: number;
  /** The first sequence number whose row was edited, removed or reordered. */
  brokenAt: number | null;
}

/** A head recorded outside the database (an earlier export's last row): the trail must still reach it. */
export interface KnownAuditHead {
  count: number;
  hash: string;
}

/** Rows are checked this many at a time, so a long trail is never held in memory at once. */
const PAGE_ROWS = 1000;

/**
 * Recomputes a session's keyed hash chain from its stored rows: an edited, removed or reordered
 * row shows, and so does a chain recomputed without the key. The head (count and newest hash) is
 * sealed on the session row, so removing the newest rows — or all of them — shows too, unless the
 * head is moved back to a seal copied earlier; `knownHead`, kept outside the database, catches that.
 * Rows appended after the head was read are not part of this check.
 */
export async function verifyAuditChain(
  db: PrismaClient,
  sessionId: string,
  options: { knownHead?: KnownAuditHead } = {},
): Promise<AuditVerification> {
  const head = await db.session.findUnique({
    where: { id: sessionId },
    select: { auditHeadHash: true, auditCount: true, auditHeadSeal: true },
  });
  if (!head) return { intact: true, events: 0, brokenAt: null };
  let prevHash = GENESIS_HASH;
  let checked = 0;
  let brokenAt: number | null = null;
  let knownHeadHash: string | null = null;
  for (let after = 0; brokenAt === null; ) {
    const rows = await db.auditEvent.findMany({
      where: { sessionId, sequence: { gt: after, lte: head.auditCount } },
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
      if (row.sequence === options.knownHead?.count) knownHeadHash = row.hash;
    }
    if (rows.length < PAGE_ROWS) break;
  }
  // Every session is started with an audit row, so a head that is missing, short of the rows, or
  // not sealed with the key was moved: the newest rows (or all of them) were removed.
  const headHash = head.auditHeadHash ?? GENESIS_HASH;
  const sealed = head.auditHeadSeal !== null && head.auditHeadSeal === auditHeadSeal(sessionId, head.auditCount, headHash);
  if (brokenAt === null && (!sealed || checked !== head.auditCount || prevHash !== headHash)) brokenAt = checked + 1;
  const known = options.knownHead;
  if (brokenAt === null && known && known.count > 0 && (known.count > checked || knownHeadHash !== known.hash)) {
    brokenAt = Math.min(known.count, checked + 1);
  }
  const events = await db.auditEvent.count({ where: { sessionId, sequence: { lte: head.auditCount } } });
  return { intact: brokenAt === null, events, brokenAt };
}
