import { staffActor } from '../audit/audit-event-types.ts';
import { randomUUID } from 'node:crypto';
import { GUIDED_REQUEST_TTL_MS } from '../../protocol/index.ts';
import { AppError, ErrorCode, forbidden, notFound } from '../core/errors.ts';
import { appendAuditEvent } from '../audit/append-audit-event.ts';
import type { Actor } from '../audit/audit-event-types.ts';
import { runAudited } from '../audit/run-audited.ts';
import type { UserRow } from '../core/db/index.ts';
import { requireCapability } from '../settings/capabilities.ts';
import { loadSiteSettings } from '../settings/site-settings.ts';
import type { SessionDeps } from './deps.ts';
import { publishSessionEvent } from './session-state.ts';
import { applyTransition, canTake } from './session-transitions.ts';

/**
 * Guided Mode, between Pointer and Write Mode: with the customer's consent the agent may scroll
 * the customer's page and outline elements on it, never click, type or navigate. It is asked for,
 * answered, expired and ended as Write Mode is, through the same session transitions.
 */

const requestClosed = () => new AppError(ErrorCode.GUIDED_REQUEST_CLOSED, 'This Guided Mode request was already answered or has expired.');
const inactive = () => new AppError(ErrorCode.SESSION_ENDED, 'The session is not active.');
const withAgent = { include: { agent: true } } as const;

/** The agent asks for Guided Mode; the customer has GUIDED_REQUEST_TTL_MS to answer. Refused when an admin turned scrolling off for agents. */
export async function requestGuidedMode(deps: SessionDeps, agent: UserRow, sessionId: string, ttlMs = GUIDED_REQUEST_TTL_MS) {
  const settings = await loadSiteSettings(deps.db);
  requireCapability(settings.capabilities.agent, 'scroll', 'Guided Mode (scrolling the customer’s page)');
  const session = await deps.db.session.findUnique({ where: { id: sessionId } });
  if (!session) throw notFound('No such session.');
  if (session.agentId !== agent.id) throw forbidden('You are not the agent of this session.');
  if (!canTake('requestGuided', session.status)) throw inactive();
  if (session.mode !== 'POINTER') throw new AppError(ErrorCode.BAD_USER_INPUT, 'Guided Mode is asked for from Pointer Mode.');
  const now = new Date();
  if (session.guidedRequestId && session.guidedRequestExpiresAt && session.guidedRequestExpiresAt > now) return session; // already asked
  if (session.writeRequestId) throw new AppError(ErrorCode.BAD_USER_INPUT, 'The customer has not answered your Write Mode request yet.');

  const requestId = randomUUID();
  const expiresAt = new Date(now.getTime() + ttlMs);
  const updated = await runAudited(deps.db, async (tx) => {
    // Conditional: the session may have ended, changed hands or modes, or got a Write Mode request since it was read.
    const changed = await applyTransition(tx, 'requestGuided', sessionId, {
      guard: { agentId: agent.id, mode: 'POINTER', writeRequestId: null },
      data: { guidedRequestId: requestId, guidedRequestExpiresAt: expiresAt },
    });
    if (changed === 0) throw inactive();
    await appendAuditEvent(tx, sessionId, staffActor(agent), { type: 'GUIDED_REQUESTED', data: { requestId } });
    return tx.session.findUniqueOrThrow({ where: { id: sessionId }, ...withAgent });
  });
  await publishSessionEvent(deps, 'GUIDED_REQUESTED', updated, 'AGENT');
  // As for Write Mode: this instance closes the request on time, the stored expiry refuses late
  // answers, and any instance's sweep closes a request whose timer was lost.
  setTimeout(() => void expireGuidedRequest(deps, sessionId, requestId).catch(console.error), ttlMs).unref();
  return updated;
}

/** The customer answers a Guided Mode request, once. */
export async function answerGuidedMode(deps: SessionDeps, sessionId: string, requestId: string, approve: boolean) {
  const updated = await runAudited(deps.db, async (tx) => {
    const answered = await applyTransition(tx, approve ? 'approveGuided' : 'declineGuided', sessionId, {
      guard: { guidedRequestId: requestId, guidedRequestExpiresAt: { gt: new Date() }, mode: 'POINTER' },
      data: { guidedRequestId: null, guidedRequestExpiresAt: null, ...(approve ? { mode: 'GUIDED' } : {}) },
    });
    if (answered === 0) throw requestClosed();
    await appendAuditEvent(
      tx,
      sessionId,
      { kind: 'CUSTOMER', id: null },
      { type: approve ? 'GUIDED_APPROVED' : 'GUIDED_DECLINED', data: { requestId } },
    );
    return tx.session.findUniqueOrThrow({ where: { id: sessionId }, ...withAgent });
  });
  await publishSessionEvent(deps, approve ? 'GUIDED_APPROVED' : 'GUIDED_DECLINED', updated, 'CUSTOMER');
  return updated;
}

/** Closes an unanswered Guided Mode request and tells both sides. */
export async function expireGuidedRequest(deps: SessionDeps, sessionId: string, requestId: string): Promise<void> {
  const expired = await runAudited(deps.db, async (tx) => {
    const closed = await applyTransition(tx, 'expireGuided', sessionId, {
      guard: { guidedRequestId: requestId },
      data: { guidedRequestId: null, guidedRequestExpiresAt: null },
    });
    if (closed === 0) return null;
    await appendAuditEvent(tx, sessionId, { kind: 'SYSTEM', id: null }, { type: 'GUIDED_EXPIRED', data: { requestId } });
    return tx.session.findUniqueOrThrow({ where: { id: sessionId }, ...withAgent });
  });
  if (expired) await publishSessionEvent(deps, 'GUIDED_EXPIRED', expired);
}

/**
 * Either side leaves Guided Mode at any time, or drops the pending request: back to Pointer Mode.
 * Whether anything changed: false when the session was neither in Guided Mode nor asked for it.
 */
export async function endGuidedMode(deps: SessionDeps, sessionId: string, actor: Actor) {
  const updated = await runAudited(deps.db, async (tx) => {
    const changed = await applyTransition(tx, 'endGuided', sessionId, {
      guard: { OR: [{ mode: 'GUIDED' }, { guidedRequestId: { not: null } }] },
      data: { mode: 'POINTER', guidedRequestId: null, guidedRequestExpiresAt: null },
    });
    if (changed > 0) await appendAuditEvent(tx, sessionId, actor, { type: 'GUIDED_ENDED', data: { by: actor.kind } });
    return { changed: changed > 0, session: await tx.session.findUniqueOrThrow({ where: { id: sessionId }, ...withAgent }) };
  });
  if (updated.changed) await publishSessionEvent(deps, 'GUIDED_ENDED', updated.session, actor.kind);
  return updated;
}
