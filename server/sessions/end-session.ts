import { notFound } from '../core/errors.ts';
import { appendAuditEvent } from '../audit/append-audit-event.ts';
import type { Actor } from '../audit/audit-event-types.ts';
import { runAudited } from '../audit/run-audited.ts';
import type { SessionDeps } from './deps.ts';
import { NO_OFFER, closePendingOffer, tellOffered } from './handover-offers.ts';
import { publishSessionEvent, type SessionWithAgent } from './session-state.ts';
import { applyTransition } from './session-transitions.ts';

/**
 * Ends a session: frees its agent, audits who ended it, and tells both sides. Idempotent.
 * The status is changed first, inside the transaction, and the agent read after it: a join racing
 * this end either committed before (its agent is read and freed here) or finds the session ended.
 */
export async function endSession(deps: SessionDeps, sessionId: string, actor: Actor, reason: string): Promise<SessionWithAgent> {
  const result = await runAudited(deps.db, async (tx) => {
    const before = await tx.session.findUnique({ where: { id: sessionId } });
    const changed = await applyTransition(tx, 'end', sessionId, {
      data: { endedAt: new Date(), endedBy: actor.kind, endReason: reason, ...NO_OFFER },
    });
    const session = await tx.session.findUnique({ where: { id: sessionId }, include: { agent: true } });
    if (!session || !before) throw notFound('No such session.');
    if (changed === 0) return { session, ended: false, withdrawn: null };
    // An offer still waiting for an answer closes with the session, and the offered agent is told.
    const withdrawn = await closePendingOffer(tx, before, actor, 'session-ended');
    if (session.agentId) {
      await tx.user.updateMany({ where: { id: session.agentId, activeSessionId: sessionId }, data: { activeSessionId: null } });
      await appendAuditEvent(tx, sessionId, actor, { type: 'AGENT_LEFT', data: { agentId: session.agentId, reason } });
    }
    await appendAuditEvent(tx, sessionId, actor, { type: 'SESSION_ENDED', data: { by: actor.kind, reason } });
    return { session, ended: true, withdrawn };
  });
  if (result.withdrawn) await tellOffered(deps, result.withdrawn, false);
  if (result.ended) await publishSessionEvent(deps, 'SESSION_ENDED', result.session);
  return result.session;
}
