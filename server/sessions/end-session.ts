import { notFound } from '../../graphql/errors.ts';
import { appendAuditEvent } from '../audit/append-audit-event.ts';
import type { Actor } from '../audit/audit-event-types.ts';
import type { SessionDeps } from './deps.ts';
import { publishSessionEvent, type SessionWithAgent } from './session-state.ts';

/** Ends a session (R17): frees its agent, audits who ended it, and tells both sides. Idempotent. */
export async function endSession(deps: SessionDeps, sessionId: string, actor: Actor, reason: string): Promise<SessionWithAgent> {
  const session = await deps.db.session.findUnique({ where: { id: sessionId }, include: { agent: true } });
  if (!session) throw notFound('No such session.');
  if (session.status === 'ENDED') return session;

  const ended = await deps.db.$transaction(async (tx) => {
    const changed = await tx.session.updateMany({
      where: { id: sessionId, status: { not: 'ENDED' } },
      data: { status: 'ENDED', endedAt: new Date(), endedBy: actor.kind, endReason: reason },
    });
    if (changed.count > 0 && session.agentId) {
      await tx.user.updateMany({ where: { id: session.agentId, activeSessionId: sessionId }, data: { activeSessionId: null } });
      await appendAuditEvent(tx, sessionId, actor, { type: 'AGENT_LEFT', data: { agentId: session.agentId, reason } });
    }
    if (changed.count > 0) await appendAuditEvent(tx, sessionId, actor, { type: 'SESSION_ENDED', data: { by: actor.kind, reason } });
    return tx.session.findUniqueOrThrow({ where: { id: sessionId }, include: { agent: true } });
  });
  await publishSessionEvent(deps, 'ended', ended);
  return ended;
}
