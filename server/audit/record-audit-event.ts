import { AppError, ErrorCode } from '../core/errors.ts';
import type { PrismaClient } from '../core/db/index.ts';
import { appendAuditEvent, type AppendOptions } from './append-audit-event.ts';
import type { Actor, AuditEventInput } from './audit-event-types.ts';
import { runAudited } from './run-audited.ts';

/**
 * Records an event that changes no other row (an agent action, which must be on record before it
 * is sent) in its own transaction, retrying on chain clashes. Refuses with LIMIT_REACHED when the
 * session's audit cap leaves no room for it. Fire-and-forget events go through the audit queue.
 */
export async function recordAuditEvent(
  db: PrismaClient,
  sessionId: string,
  actor: Actor,
  event: AuditEventInput,
  options: AppendOptions = {},
): Promise<void> {
  const outcome = await runAudited(db, (tx) => appendAuditEvent(tx, sessionId, actor, event, options));
  if (outcome !== 'written') {
    throw new AppError(ErrorCode.LIMIT_REACHED, 'This session’s audit trail is full, so nothing more can be recorded or sent.');
  }
}
