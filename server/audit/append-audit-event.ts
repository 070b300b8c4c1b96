import { createHash } from 'node:crypto';
import type { TransactionClient } from '../db/index.ts';
import type { Actor, AuditEventInput } from './audit-event-types.ts';

/** The hash of the (absent) event before a session's first one. */
export const GENESIS_HASH = '0'.repeat(64);

/** Canonical text of an event, so the chain can be recomputed from stored rows (B3). */
export function auditEventDigest(
  prevHash: string,
  row: { sequence: number; at: Date; actorKind: string; actorId: string | null; type: string; data: string },
): string {
  const canonical = JSON.stringify([row.sequence, row.at.toISOString(), row.actorKind, row.actorId, row.type, row.data]);
  return createHash('sha256').update(prevHash).update(canonical).digest('hex');
}

/**
 * Appends one event to a session's hash chain. Call inside the transaction that makes the
 * change it records, so the change and its audit row land together or not at all.
 */
export async function appendAuditEvent(tx: TransactionClient, sessionId: string, actor: Actor, event: AuditEventInput): Promise<void> {
  const last = await tx.auditEvent.findFirst({
    where: { sessionId },
    orderBy: { sequence: 'desc' },
    select: { sequence: true, hash: true },
  });
  const row = {
    sequence: (last?.sequence ?? 0) + 1,
    at: new Date(),
    actorKind: actor.kind,
    actorId: actor.id,
    type: event.type,
    data: JSON.stringify(event.data),
  };
  const prevHash = last?.hash ?? GENESIS_HASH;
  await tx.auditEvent.create({ data: { ...row, sessionId, prevHash, hash: auditEventDigest(prevHash, row) } });
}
