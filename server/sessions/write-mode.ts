import { staffActor } from '../audit/audit-event-types.ts';
import { randomUUID } from 'node:crypto';
import { WRITE_REQUEST_TTL_MS } from '../../protocol/index.ts';
import { AppError, ErrorCode, forbidden, notFound } from '../core/errors.ts';
import { appendAuditEvent } from '../audit/append-audit-event.ts';
import type { Actor } from '../audit/audit-event-types.ts';
import { runAudited } from '../audit/run-audited.ts';
import type { UserRow } from '../core/db/index.ts';
import { loadSiteSettings } from '../settings/site-settings.ts';
import { endGuidedMode } from './guided-mode.ts';
import type { SessionDeps } from './deps.ts';
import { publishSessionEvent } from './session-state.ts';
import { applyTransition, canTake } from './session-transitions.ts';

const requestClosed = () => new AppError(ErrorCode.WRITE_REQUEST_CLOSED, 'This Write Mode request was already answered or has expired.');

/** The agent asks for Write Mode; the customer has WRITE_REQUEST_TTL_MS to answer. */
export async function requestWriteMode(deps: SessionDeps, agent: UserRow, sessionId: string, ttlMs = WRITE_REQUEST_TTL_MS) {
  const settings = await loadSiteSettings(deps.db);
  if (!settings.writeModeEnabled) throw new AppError(ErrorCode.WRITE_MODE_DISABLED, 'Write Mode is turned off for this site.');
  const { control, navigate } = settings.capabilities.agent;
  if (!control && !navigate)
    throw new AppError(ErrorCode.CAPABILITY_DISABLED, 'Clicking, typing and navigating are turned off for agents.');
  const session = await deps.db.session.findUnique({ where: { id: sessionId } });
  if (!session) throw notFound('No such session.');
  if (session.agentId !== agent.id) throw forbidden('You are not the agent of this session.');
  if (!canTake('requestWrite', session.status)) throw new AppError(ErrorCode.SESSION_ENDED, 'The session is not active.');
  if (session.mode === 'WRITE') throw new AppError(ErrorCode.BAD_USER_INPUT, 'You are already in Write Mode.');
  const now = new Date();
  if (session.writeRequestId && session.writeRequestExpiresAt && session.writeRequestExpiresAt > now) return session; // already asked

  const requestId = randomUUID();
  const expiresAt = new Date(now.getTime() + ttlMs);
  const updated = await runAudited(deps.db, async (tx) => {
    // Conditional: the session may have ended or changed hands since it was read.
    const changed = await applyTransition(tx, 'requestWrite', sessionId, {
      // From Pointer or Guided Mode, never while a Guided Mode request waits for the customer.
      guard: { agentId: agent.id, mode: { in: ['POINTER', 'GUIDED'] }, guidedRequestId: null },
      data: { writeRequestId: requestId, writeRequestExpiresAt: expiresAt },
    });
    if (changed === 0) throw new AppError(ErrorCode.SESSION_ENDED, 'The session is not active.');
    await appendAuditEvent(tx, sessionId, staffActor(agent), { type: 'WRITE_REQUESTED', data: { requestId } });
    return tx.session.findUniqueOrThrow({ where: { id: sessionId }, include: { agent: true } });
  });
  await publishSessionEvent(deps, 'WRITE_REQUESTED', updated, 'AGENT');
  // The instance that took the request closes it on time; should it stop first, the stored expiry
  // refuses late answers and any instance's sweep closes the request.
  setTimeout(() => void expireWriteRequest(deps, sessionId, requestId).catch(console.error), ttlMs).unref();
  return updated;
}

/** The customer answers a Write Mode request, once. */
export async function answerWriteMode(deps: SessionDeps, sessionId: string, requestId: string, approve: boolean) {
  const updated = await runAudited(deps.db, async (tx) => {
    const answered = await applyTransition(tx, approve ? 'approveWrite' : 'declineWrite', sessionId, {
      guard: { writeRequestId: requestId, writeRequestExpiresAt: { gt: new Date() } },
      data: { writeRequestId: null, writeRequestExpiresAt: null, ...(approve ? { mode: 'WRITE' } : {}) },
    });
    if (answered === 0) throw requestClosed();
    await appendAuditEvent(
      tx,
      sessionId,
      { kind: 'CUSTOMER', id: null },
      { type: approve ? 'WRITE_APPROVED' : 'WRITE_DECLINED', data: { requestId } },
    );
    return tx.session.findUniqueOrThrow({ where: { id: sessionId }, include: { agent: true } });
  });
  await publishSessionEvent(deps, approve ? 'WRITE_APPROVED' : 'WRITE_DECLINED', updated, 'CUSTOMER');
  return updated;
}

/** Closes an unanswered request and tells both sides. */
export async function expireWriteRequest(deps: SessionDeps, sessionId: string, requestId: string): Promise<void> {
  const expired = await runAudited(deps.db, async (tx) => {
    const closed = await applyTransition(tx, 'expireWrite', sessionId, {
      guard: { writeRequestId: requestId },
      data: { writeRequestId: null, writeRequestExpiresAt: null },
    });
    if (closed === 0) return null;
    await appendAuditEvent(tx, sessionId, { kind: 'SYSTEM', id: null }, { type: 'WRITE_EXPIRED', data: { requestId } });
    return tx.session.findUniqueOrThrow({ where: { id: sessionId }, include: { agent: true } });
  });
  if (expired) await publishSessionEvent(deps, 'WRITE_EXPIRED', expired);
}

/** Either side goes back to Pointer Mode at any time, from Write or Guided Mode; a pending request is dropped too. */
export async function setPointerMode(deps: SessionDeps, sessionId: string, actor: Actor) {
  await endGuidedMode(deps, sessionId, actor);
  const updated = await runAudited(deps.db, async (tx) => {
    const changed = await applyTransition(tx, 'pointerMode', sessionId, {
      guard: { OR: [{ mode: 'WRITE' }, { writeRequestId: { not: null } }] },
      data: { mode: 'POINTER', writeRequestId: null, writeRequestExpiresAt: null },
    });
    if (changed > 0) await appendAuditEvent(tx, sessionId, actor, { type: 'POINTER_MODE', data: { by: actor.kind } });
    return {
      changed: changed > 0,
      session: await tx.session.findUniqueOrThrow({ where: { id: sessionId }, include: { agent: true } }),
    };
  });
  if (updated.changed) await publishSessionEvent(deps, 'POINTER_MODE', updated.session, actor.kind);
  return updated.session;
}
