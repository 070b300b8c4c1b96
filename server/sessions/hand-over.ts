import { randomUUID } from 'node:crypto';
import { HANDOVER_OFFER_TTL_MS, LIVE_SESSION_STATUSES } from '../../protocol/index.ts';
import { appendAuditEvent } from '../audit/append-audit-event.ts';
import { runAudited } from '../audit/run-audited.ts';
import { AppError, ErrorCode, badInput, forbidden, notFound } from '../core/errors.ts';
import type { UserRow } from '../core/db/index.ts';
import type { LimitDeps } from '../limits/public-surface-limits.ts';
import { isHandoverEnabled } from '../settings/handover-setting.ts';
import { onlineUserIds } from './agent-availability.ts';
import type { SessionDeps } from './deps.ts';
import {
  NO_OFFER,
  OFFER_ACCEPTED,
  announceHandover,
  closePendingOffer,
  offerOf,
  pendingOffer,
  rowOf,
  tellOffered,
  type HandoverOffer,
} from './handover-offers.ts';
import type { SessionWithAgent } from './session-state.ts';
import { applyTransition, canTake } from './session-transitions.ts';

export type HandoverDeps = SessionDeps & LimitDeps;

/** Offers one agent may make a minute: offering nags a colleague, so it is throttled per offering agent. */
export const HANDOVER_OFFERS_PER_MINUTE = 10;

const disabled = () => new AppError(ErrorCode.HANDOVER_DISABLED, 'Hand-over is turned off for this site; an admin can turn it on.');
const closed = () =>
  new AppError(ErrorCode.HANDOVER_CLOSED, 'This hand-over offer was already answered, has expired, or its session ended.');
const unavailable = (message: string) => new AppError(ErrorCode.HANDOVER_TARGET_UNAVAILABLE, message);
const notLive = () => new AppError(ErrorCode.SESSION_ENDED, 'The session is not active.');

async function requireEnabled(deps: SessionDeps): Promise<void> {
  if (!(await isHandoverEnabled(deps.db))) throw disabled();
}

const withAgent = { include: { agent: true } } as const;

/** Who an offer may go to: named by user id or by e-mail. */
export interface HandoverTarget {
  agentId?: string | null;
  email?: string | null;
}

/** An agent the session's agent may hand it to, and whether that agent can take it now. */
export interface HandoverCandidate {
  id: string;
  name: string;
  email: string;
  /** Null when the agent can take the session; otherwise why not, in words for the offering agent. */
  unavailableReason: string | null;
}

const OFFLINE = 'not online: their agent desktop is closed';
const BUSY = 'in another co-browse session';

/** Why `target` cannot be offered a session now, or null. */
function reasonAgainst(target: Pick<UserRow, 'role' | 'activeSessionId'>, online: boolean): string | null {
  if (target.role !== 'AGENT') return 'not an agent';
  if (target.activeSessionId !== null) return BUSY;
  if (!online) return OFFLINE;
  return null;
}

/** The other agents, online ones first: the offering agent's list to choose from. */
export async function handoverCandidates(deps: SessionDeps, agent: UserRow, sessionId: string): Promise<HandoverCandidate[]> {
  const session = await deps.db.session.findUnique({ where: { id: sessionId }, select: { agentId: true } });
  if (!session) throw notFound('No such session.');
  if (session.agentId !== agent.id) throw forbidden('You are not the agent of this session.');
  await requireEnabled(deps);
  const agents = await deps.db.user.findMany({
    where: { role: 'AGENT', id: { not: agent.id } },
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
    take: MAX_CANDIDATES,
    select: { id: true, name: true, email: true, role: true, activeSessionId: true },
  });
  const online = await onlineUserIds(
    deps.db,
    agents.map((candidate) => candidate.id),
  );
  const listed = agents.map((candidate) => ({
    id: candidate.id,
    name: candidate.name,
    email: candidate.email,
    unavailableReason: reasonAgainst(candidate, online.has(candidate.id)),
  }));
  return [...listed.filter((one) => one.unavailableReason === null), ...listed.filter((one) => one.unavailableReason !== null)];
}

/** The most agents listed to choose from; others are offered by e-mail. */
const MAX_CANDIDATES = 200;

async function findTarget(deps: SessionDeps, target: HandoverTarget): Promise<UserRow> {
  const email = target.email?.trim().toLowerCase() || null;
  if (!target.agentId && !email) throw badInput('Choose the agent to hand the session to, or give their e-mail.');
  if (email !== null && email.length > 320) throw badInput('That e-mail address is too long.');
  const found = target.agentId
    ? await deps.db.user.findUnique({ where: { id: target.agentId } })
    : await deps.db.user.findUnique({ where: { email: email! } });
  if (!found) throw unavailable('There is no agent with that e-mail.');
  return found;
}

/**
 * The session's agent offers it to another agent, who has HANDOVER_OFFER_TTL_MS to accept. The
 * offered agent must be an agent, online (their desktop open) and free; a session has one offer
 * at a time; offers are throttled per offering agent.
 */
export async function offerHandover(
  deps: HandoverDeps,
  agent: UserRow,
  sessionId: string,
  target: HandoverTarget,
  ttlMs = HANDOVER_OFFER_TTL_MS,
): Promise<HandoverOffer> {
  const session = await deps.db.session.findUnique({ where: { id: sessionId } });
  if (!session) throw notFound('No such session.');
  if (session.agentId !== agent.id) throw forbidden('You are not the agent of this session.');
  await requireEnabled(deps);
  if (!canTake('offerHandover', session.status)) throw notLive();
  const to = await findTarget(deps, target);
  if (to.id === agent.id) throw unavailable('This session is already yours; choose another agent.');
  const online = await onlineUserIds(deps.db, [to.id]);
  const against = reasonAgainst(to, online.has(to.id));
  if (against) throw unavailable(`${to.name} cannot take it: ${against}.`);
  const now = new Date();
  if (pendingOffer(session, now)) throw pendingError();
  // Counted once an offer would reach a colleague: each one interrupts them.
  await deps.limits
    .limiter('handover-offers', {
      points: HANDOVER_OFFERS_PER_MINUTE,
      durationSeconds: 60,
      message: 'Too many hand-over offers. Wait a minute and try again.',
    })
    .consume(agent.id);

  const offerId = randomUUID();
  const expiresAt = new Date(now.getTime() + ttlMs);
  const made = await runAudited(deps.db, async (tx) => {
    // Conditional: a second offer racing this one, an end or a take-over finds the row changed.
    const changed = await applyTransition(tx, 'offerHandover', sessionId, {
      guard: { agentId: agent.id, OR: [{ handoverToId: null }, { handoverExpiresAt: { lte: now } }] },
      data: { handoverOfferId: offerId, handoverToId: to.id, handoverExpiresAt: expiresAt },
    });
    if (changed === 0) {
      const now2 = await tx.session.findUniqueOrThrow({ where: { id: sessionId } });
      throw canTake('offerHandover', now2.status) && now2.agentId === agent.id ? pendingError() : notLive();
    }
    const updated = await tx.session.findUniqueOrThrow({ where: { id: sessionId }, ...withAgent });
    const offer = (await offerOf(tx, updated))!;
    await appendAuditEvent(
      tx,
      sessionId,
      { kind: 'AGENT', id: agent.id },
      { type: 'HANDOVER_OFFERED', data: { ...rowOf(offer), expiresAt: expiresAt.toISOString() } },
    );
    return { offer, session: updated };
  });
  await Promise.all([
    tellOffered(deps, made.offer, true),
    announceHandover(deps, 'HANDOVER_OFFERED', made.session, { kind: 'AGENT', name: to.name }),
  ]);
  // The instance that made the offer closes it on time; should it stop first, the stored expiry
  // refuses a late accept and the offer drops out of every list.
  setTimeout(() => void expireHandover(deps, sessionId, offerId).catch(console.error), ttlMs).unref();
  return made.offer;
}

const pendingError = () => new AppError(ErrorCode.HANDOVER_PENDING, 'This session already has a hand-over offer waiting for an answer.');

/** Finds the session an offer belongs to, for the offered agent; any other caller learns nothing more than "closed". */
async function sessionOfOffer(deps: SessionDeps, offerId: string): Promise<SessionWithAgent> {
  if (offerId.length > 100) throw badInput('That is not an offer id.');
  const session = await deps.db.session.findFirst({ where: { handoverOfferId: offerId }, ...withAgent });
  if (!session) throw closed();
  return session;
}

/**
 * A session that changes hands goes back to Pointer Mode, and what the customer was asked by the
 * agent before is withdrawn: their answer must not hand the new agent rights they never asked for.
 */
const BACK_TO_POINTER = {
  mode: 'POINTER',
  writeRequestId: null,
  writeRequestExpiresAt: null,
  guidedRequestId: null,
  guidedRequestExpiresAt: null,
} as const;

/**
 * The offered agent accepts: the session is theirs from now on, in Pointer Mode (Write Mode and
 * any pending Write Mode request end), and the agent who offered it is free. Accepting an offer
 * already accepted by the same agent (a double click) returns the session.
 */
export async function acceptHandover(deps: SessionDeps, agent: UserRow, offerId: string): Promise<SessionWithAgent> {
  await requireEnabled(deps);
  const session = await sessionOfOffer(deps, offerId);
  if (session.agentId === agent.id && session.handoverToId === null && session.status !== 'ENDED') return session; // accepted already
  if (session.handoverToId !== agent.id || !pendingOffer(session)) throw closed();
  const offer = (await offerOf(deps.db, session))!;
  const fromAgentId = session.agentId!;
  const accepted = await runAudited(deps.db, async (tx) => {
    const changed = await applyTransition(tx, 'handOver', session.id, {
      guard: { handoverOfferId: offerId, handoverToId: agent.id, handoverExpiresAt: { gt: new Date() }, agentId: fromAgentId },
      data: { agentId: agent.id, ...BACK_TO_POINTER, ...OFFER_ACCEPTED },
    });
    if (changed === 0) return null;
    await tx.user.updateMany({ where: { id: fromAgentId, activeSessionId: session.id }, data: { activeSessionId: null } });
    const reserved = await tx.user.updateMany({ where: { id: agent.id, activeSessionId: null }, data: { activeSessionId: session.id } });
    if (reserved.count === 0)
      throw new AppError(ErrorCode.AGENT_BUSY, 'You already have a co-browse session open. Exit it before taking this one.');
    await appendAuditEvent(tx, session.id, { kind: 'AGENT', id: agent.id }, { type: 'SESSION_HANDED_OVER', data: rowOf(offer) });
    return tx.session.findUniqueOrThrow({ where: { id: session.id }, ...withAgent });
  });
  if (!accepted) {
    // A second click that lost the race to the first one: the session is this agent's all the same.
    const now = await deps.db.session.findUniqueOrThrow({ where: { id: session.id }, ...withAgent });
    if (now.agentId === agent.id && now.handoverOfferId === offerId && now.status !== 'ENDED') return now;
    throw closed();
  }
  await Promise.all([
    tellOffered(deps, offer, false),
    announceHandover(deps, 'SESSION_HANDED_OVER', accepted, { kind: 'AGENT', name: agent.name }, true),
  ]);
  return accepted;
}

/** The offered agent says no; the offering agent is told. */
export async function declineHandover(deps: SessionDeps, agent: UserRow, offerId: string): Promise<boolean> {
  const session = await sessionOfOffer(deps, offerId);
  if (session.handoverToId !== agent.id || !pendingOffer(session)) throw closed();
  const offer = (await offerOf(deps.db, session))!;
  const declined = await runAudited(deps.db, async (tx) => {
    const changed = await applyTransition(tx, 'declineHandover', session.id, {
      guard: { handoverOfferId: offerId, handoverToId: agent.id, handoverExpiresAt: { gt: new Date() } },
      data: NO_OFFER,
    });
    if (changed === 0) return null;
    await appendAuditEvent(tx, session.id, { kind: 'AGENT', id: agent.id }, { type: 'HANDOVER_DECLINED', data: rowOf(offer) });
    return tx.session.findUniqueOrThrow({ where: { id: session.id }, ...withAgent });
  });
  if (!declined) throw closed();
  await Promise.all([
    tellOffered(deps, offer, false),
    announceHandover(deps, 'HANDOVER_DECLINED', declined, { kind: 'AGENT', name: agent.name }),
  ]);
  return true;
}

/** Closes an unanswered offer on time and tells both agents. */
export async function expireHandover(deps: SessionDeps, sessionId: string, offerId: string): Promise<void> {
  const before = await deps.db.session.findUnique({ where: { id: sessionId } });
  if (!before || before.handoverOfferId !== offerId || before.handoverToId === null) return;
  const offer = await offerOf(deps.db, before);
  if (!offer) return;
  const expired = await runAudited(deps.db, async (tx) => {
    const changed = await applyTransition(tx, 'expireHandover', sessionId, {
      guard: { handoverOfferId: offerId, handoverToId: { not: null } },
      data: NO_OFFER,
    });
    if (changed === 0) return null;
    await appendAuditEvent(
      tx,
      sessionId,
      { kind: 'SYSTEM', id: null },
      { type: 'HANDOVER_EXPIRED', data: { ...rowOf(offer), reason: 'expired' } },
    );
    return tx.session.findUniqueOrThrow({ where: { id: sessionId }, ...withAgent });
  });
  if (!expired) return;
  await Promise.all([
    tellOffered(deps, offer, false),
    announceHandover(deps, 'HANDOVER_EXPIRED', expired, { kind: 'SYSTEM', name: offer.toAgentName }),
  ]);
}

/**
 * A supervisor (or admin) makes a live session theirs directly: the agent's view ends, the session
 * goes back to Pointer Mode, and a pending offer closes. The supervisor must have no other session.
 */
export async function takeOverSession(deps: SessionDeps, supervisor: UserRow, sessionId: string): Promise<SessionWithAgent> {
  await requireEnabled(deps);
  const session = await deps.db.session.findUnique({ where: { id: sessionId }, ...withAgent });
  if (!session) throw notFound('No such session.');
  if (session.agentId === supervisor.id && session.status !== 'ENDED') return session; // a double click
  if (!canTake('supervisorTakeOver', session.status)) {
    throw (LIVE_SESSION_STATUSES as readonly string[]).includes(session.status)
      ? badInput('No agent has joined this session yet; there is nothing to take over.')
      : notLive();
  }
  const fromAgent = session.agent;
  const actor = { kind: 'SUPERVISOR', id: supervisor.id } as const;
  const taken = await runAudited(deps.db, async (tx) => {
    const before = await tx.session.findUniqueOrThrow({ where: { id: sessionId } });
    const changed = await applyTransition(tx, 'supervisorTakeOver', sessionId, {
      guard: { agentId: session.agentId },
      data: { agentId: supervisor.id, ...BACK_TO_POINTER, ...NO_OFFER },
    });
    if (changed === 0) return null;
    const withdrawn = await closePendingOffer(tx, before, actor, 'taken-over');
    if (session.agentId) {
      await tx.user.updateMany({ where: { id: session.agentId, activeSessionId: sessionId }, data: { activeSessionId: null } });
    }
    const reserved = await tx.user.updateMany({
      where: { id: supervisor.id, activeSessionId: null },
      data: { activeSessionId: sessionId },
    });
    if (reserved.count === 0)
      throw new AppError(ErrorCode.AGENT_BUSY, 'You already have a co-browse session open. Exit it before taking over another.');
    await appendAuditEvent(tx, sessionId, actor, {
      type: 'SUPERVISOR_TOOK_OVER',
      data: {
        fromAgentId: fromAgent?.id ?? null,
        fromAgentName: fromAgent?.name ?? null,
        supervisorId: supervisor.id,
        supervisorName: supervisor.name,
      },
    });
    return { withdrawn, session: await tx.session.findUniqueOrThrow({ where: { id: sessionId }, ...withAgent }) };
  });
  if (!taken)
    throw new AppError(ErrorCode.SESSION_TAKEN, 'The session changed hands or ended meanwhile; look again before taking it over.');
  await Promise.all([
    taken.withdrawn ? tellOffered(deps, taken.withdrawn, false) : null,
    announceHandover(deps, 'SUPERVISOR_TOOK_OVER', taken.session, { kind: 'SUPERVISOR', name: supervisor.name }, true),
  ]);
  return taken.session;
}

/** The offers waiting for `agent` to answer, oldest first. */
export async function pendingHandoverOffers(deps: SessionDeps, agent: UserRow): Promise<HandoverOffer[]> {
  const sessions = await deps.db.session.findMany({
    where: { handoverToId: agent.id, handoverExpiresAt: { gt: new Date() }, status: { in: ['ACTIVE', 'PAUSED'] } },
    orderBy: { handoverExpiresAt: 'asc' },
    take: 50,
  });
  const offers = await Promise.all(sessions.map((session) => offerOf(deps.db, session)));
  return offers.filter((offer): offer is HandoverOffer => offer !== null);
}
