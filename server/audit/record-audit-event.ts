import type { PrismaClient } from '../db/index.ts';
import { isUniqueViolation } from '../db/index.ts';
import { appendAuditEvent } from './append-audit-event.ts';
import type { Actor, AuditEventInput } from './audit-event-types.ts';

const ATTEMPTS = 5;

/**
 * Records an event that changes no other row (an agent action) in its own transaction, retrying
 * when a concurrent append took the same sequence number. Callers do not await it on the stream.
 */
export async function recordAuditEvent(db: PrismaClient, sessionId: string, actor: Actor, event: AuditEventInput): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await db.$transaction((tx) => appendAuditEvent(tx, sessionId, actor, event));
      return;
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= ATTEMPTS) throw error;
    }
  }
}
