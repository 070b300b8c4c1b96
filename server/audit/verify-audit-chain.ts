import type { PrismaClient } from '../db/index.ts';
import { GENESIS_HASH, auditEventDigest } from './append-audit-event.ts';

export interface AuditVerification {
  intact: boolean;
  events: number;
  /** The first sequence number whose row was edited, removed or reordered. */
  brokenAt: number | null;
}

/** Recomputes a session's hash chain from its stored rows (B3): any edited or removed row shows. */
export async function verifyAuditChain(db: PrismaClient, sessionId: string): Promise<AuditVerification> {
  const rows = await db.auditEvent.findMany({ where: { sessionId }, orderBy: { sequence: 'asc' } });
  let prevHash = GENESIS_HASH;
  for (const [index, row] of rows.entries()) {
    const expectedSequence = index + 1;
    if (row.sequence !== expectedSequence || row.prevHash !== prevHash || row.hash !== auditEventDigest(prevHash, row)) {
      return { intact: false, events: rows.length, brokenAt: Math.min(row.sequence, expectedSequence) };
    }
    prevHash = row.hash;
  }
  return { intact: true, events: rows.length, brokenAt: null };
}
