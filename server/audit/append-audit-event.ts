import { createHmac } from 'node:crypto';
import type { TransactionClient } from '../core/db/index.ts';
import { enqueueWebhookEvent } from '../webhooks/enqueue-webhook-event.ts';
import { sessionWebhookEvent, webhookEventOfAudit } from '../webhooks/webhook-events.ts';
import { auditChainKey } from './audit-chain-key.ts';
import { isHighVolume, type Actor, type AuditEventInput } from './audit-event-types.ts';

/** The hash of the (absent) event before a session's first one. */
export const GENESIS_HASH = '0'.repeat(64);

/** Rows one session's audit trail may hold before high-volume kinds are dropped (MAX_AUDIT_EVENTS_PER_SESSION). */
export const DEFAULT_MAX_AUDIT_EVENTS = 10_000;

/**
 * A row's link in the chain: HMAC-SHA256 under the chain key of the previous hash and the event's
 * canonical text. Without the key, an edited row's chain cannot be recomputed to match.
 */
export function auditEventDigest(
  prevHash: string,
  row: { sequence: number; at: Date; actorKind: string; actorId: string | null; type: string; data: string },
  key = auditChainKey(),
): string {
  const canonical = JSON.stringify([row.sequence, row.at.toISOString(), row.actorKind, row.actorId, row.type, row.data]);
  return createHmac('sha256', key).update(prevHash).update(canonical).digest('hex');
}

/**
 * Seals a session's head (count and newest hash) under the chain key. Every row's hash is valid
 * on its own, so without the seal, deleting the newest rows and pointing the head at the new last
 * one would pass. A row digest starts with a 64-digit hash, a seal with `["audit-head"`: never the same input.
 */
export function auditHeadSeal(sessionId: string, count: number, headHash: string, key = auditChainKey()): string {
  return createHmac('sha256', key)
    .update(JSON.stringify(['audit-head', sessionId, count, headHash]))
    .digest('hex');
}

/** What became of an event: stored, stored as the one AUDIT_CAPPED marker instead, or dropped past the cap. */
export type AppendOutcome = 'written' | 'capped' | 'dropped';

export interface AppendOptions {
  /** Past this many rows, high-volume kinds (agent actions, page visits) are not stored. */
  maxEvents?: number;
}

/**
 * Appends one event to a session's hash chain. Call inside the transaction that makes the
 * change it records, so the change and its audit row land together or not at all.
 *
 * The session row holds the chain's head (hash and count, sealed with the key) so that removing
 * the newest rows shows on verification. Incrementing the count first takes the session row's lock, so concurrent
 * appenders on PostgreSQL queue here instead of clashing on the sequence number.
 */
export async function appendAuditEvent(
  tx: TransactionClient,
  sessionId: string,
  actor: Actor,
  event: AuditEventInput,
  options: AppendOptions = {},
): Promise<AppendOutcome> {
  const maxEvents = options.maxEvents ?? DEFAULT_MAX_AUDIT_EVENTS;
  let stored: AuditEventInput = event;
  let outcome: AppendOutcome = 'written';
  if (isHighVolume(event.type)) {
    const head = await tx.session.findUniqueOrThrow({ where: { id: sessionId }, select: { auditCount: true } });
    if (head.auditCount >= maxEvents) {
      const marked = await tx.auditEvent.findFirst({ where: { sessionId, type: 'AUDIT_CAPPED' }, select: { id: true } });
      if (marked) return 'dropped';
      stored = { type: 'AUDIT_CAPPED', data: { limit: maxEvents, firstDropped: event.type } };
      outcome = 'capped';
    }
  }

  const claimed = await tx.session.update({
    where: { id: sessionId },
    data: { auditCount: { increment: 1 } },
    select: { auditCount: true, auditHeadHash: true },
  });
  let sequence = claimed.auditCount;
  let prevHash = claimed.auditHeadHash ?? GENESIS_HASH;
  if (claimed.auditHeadHash === null && sequence === 1) {
    // A session older than the stored head: continue from its newest row.
    const last = await tx.auditEvent.findFirst({
      where: { sessionId },
      orderBy: { sequence: 'desc' },
      select: { sequence: true, hash: true },
    });
    if (last) {
      sequence = last.sequence + 1;
      prevHash = last.hash;
    }
  }
  const row = {
    sequence,
    at: new Date(),
    actorKind: actor.kind,
    actorId: actor.id,
    type: stored.type,
    data: JSON.stringify(stored.data),
  };
  const hash = auditEventDigest(prevHash, row);
  await tx.auditEvent.create({ data: { ...row, sessionId, prevHash, hash } });
  await tx.session.update({
    where: { id: sessionId },
    data: { auditHeadHash: hash, auditCount: sequence, auditHeadSeal: auditHeadSeal(sessionId, sequence, hash) },
  });
  // Lifecycle events are announced to webhooks from here: queued with their audit row, sent once it commits.
  const announced = webhookEventOfAudit(stored.type);
  if (announced) await enqueueWebhookEvent(tx, sessionWebhookEvent(announced, sessionId, row, stored));
  return outcome;
}
