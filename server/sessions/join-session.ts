import { SESSION_CODE_PATTERN } from '../../protocol/index.ts';
import { AppError, ErrorCode, badInput, forbidden } from '../core/errors.ts';
import { appendAuditEvent } from '../audit/append-audit-event.ts';
import { runAudited } from '../audit/run-audited.ts';
import type { AuditQueue } from '../audit/audit-queue.ts';
import type { SessionRow, UserRow } from '../core/db/index.ts';
import { joinFailureLimits, type LimitDeps } from '../limits/public-surface-limits.ts';
import { identityFilter, type CustomerIdentity } from './customer-identity.ts';
import type { SessionDeps } from './deps.ts';
import { endSession } from './end-session.ts';
import { waitingCutoff } from './expire-waiting-sessions.ts';
import { publishSessionEvent, type SessionWithAgent } from './session-state.ts';
import { applyTransition, SESSION_TRANSITIONS } from './session-transitions.ts';

/** The durable audit queue writes refusals: a brief database outage must not lose them. */
export type JoinDeps = SessionDeps & LimitDeps & { audit: AuditQueue };

type RefusalReason = 'taken' | 'ended' | 'expired' | 'digits';

/** The one answer for a code that cannot be joined, whatever the reason, so codes cannot be probed. */
export const sessionUnavailable = () =>
  new AppError(
    ErrorCode.SESSION_UNAVAILABLE,
    'This session ID cannot be joined. Check the digits with the customer, or ask them to start a new session.',
  );

const agentBusy = () => new AppError(ErrorCode.AGENT_BUSY, 'You already have a co-browse session open. Exit it before joining another.');

function refusalOf(session: SessionRow, cutoff: Date): RefusalReason | null {
  if (session.status === 'ENDED') return 'ended';
  if (session.agentId !== null) return 'taken';
  if (session.status === 'WAITING' && session.createdAt <= cutoff) return 'expired';
  return null;
}

/**
 * One session per agent and one agent per session (no conference; a session changes agent only by a hand-over) are enforced by conditional updates,
 * so concurrent joins cannot both win; null when another agent (or the expiry) got there first.
 */
async function claim(deps: SessionDeps, session: SessionRow, agent: UserRow, cutoff: Date): Promise<SessionWithAgent | null> {
  const joined = await runAudited(deps.db, async (tx) => {
    const claimed = await applyTransition(tx, 'join', session.id, {
      guard: { agentId: null, createdAt: { gt: cutoff } },
      data: { agentId: agent.id, joinedAt: new Date() },
    });
    if (claimed === 0) return null;
    const reserved = await tx.user.updateMany({ where: { id: agent.id, activeSessionId: null }, data: { activeSessionId: session.id } });
    if (reserved.count === 0) throw agentBusy();
    await appendAuditEvent(
      tx,
      session.id,
      { kind: 'AGENT', id: agent.id },
      { type: 'AGENT_JOINED', data: { agentId: agent.id, agentName: agent.name } },
    );
    return tx.session.findUniqueOrThrow({ where: { id: session.id }, include: { agent: true } });
  });
  if (joined) await publishSessionEvent(deps, SESSION_TRANSITIONS.join.event, joined);
  return joined;
}

/**
 * Leaves a trace of a refused join in the session the code belongs to (never elsewhere), and ends
 * an expired one on the spot. Not awaited: an existing code must not answer slower than an unknown one.
 */
function noteRefusal(deps: JoinDeps, session: SessionRow, agent: UserRow, reason: RefusalReason): void {
  deps.audit.enqueue(session.id, { kind: 'AGENT', id: agent.id }, { type: 'JOIN_REFUSED', data: { agentId: agent.id, reason } });
  if (reason === 'expired') void endSession(deps, session.id, { kind: 'SYSTEM', id: null }, 'expired').catch(console.error);
}

/**
 * An agent joins a waiting session by its code. Joining again a session the agent already
 * holds (a double click, a reload) returns it. Unknown, ended, expired and taken codes all get the
 * same SESSION_UNAVAILABLE and count as failures towards a lockout, per agent and per address.
 */
export async function joinSession(deps: JoinDeps, agent: UserRow, rawCode: string, clientAddress: string): Promise<SessionWithAgent> {
  const code = rawCode.replace(/[\s-]/g, '');
  if (!SESSION_CODE_PATTERN.test(code)) throw badInput('A session ID is 9 digits, like 123 123 123.');
  return guarded(deps, agent, clientAddress, async () => {
    const session = await deps.db.session.findUnique({ where: { code }, include: { agent: true } });
    if (!session) console.warn(`Join refused: no session for the code ${code}, typed by agent ${agent.id} (from ${clientAddress}).`);
    return joinFound(deps, agent, session);
  });
}

/** How many digits at the end of the session ID confirm an unverified customer. */
export const CONFIRM_DIGITS = 4;
/** At most this many waiting sessions of one customer are listed. */
const MAX_CHOICES = 20;

/** A waiting session of a customer, as the agent chooses among several: no code, so choosing is no shortcut past the digits. */
export type CustomerSessionChoice = Pick<SessionRow, 'id' | 'origin' | 'url' | 'createdAt' | 'metadata' | 'customerVerified'>;

/** The customer's waiting sessions, newest first (agents). An identity lookup, not a code guess: it is not charged. */
export async function waitingSessionsOfCustomer(
  deps: Pick<JoinDeps, 'db' | 'config'>,
  identity: CustomerIdentity,
): Promise<CustomerSessionChoice[]> {
  const where = identityFilter(identity);
  if (!where) throw badInput('Give the customer’s e-mail or account ID.');
  return deps.db.session.findMany({
    where: { ...where, status: 'WAITING', agentId: null, createdAt: { gt: waitingCutoff(deps.config) } },
    orderBy: { createdAt: 'desc' },
    take: MAX_CHOICES,
    select: { id: true, origin: true, url: true, createdAt: true, metadata: true, customerVerified: true },
  });
}

export interface JoinByCustomerInput extends CustomerIdentity {
  /** Which of several waiting sessions (from waitingSessionsOfCustomer). */
  sessionId?: string | null;
  /** The last digits of the session ID, read out by the customer: needed when the identity is not signed. */
  lastDigits?: string | null;
}

const chooseSession = (count: number) =>
  new AppError(ErrorCode.SESSION_CHOICE_NEEDED, `${count} waiting sessions match this customer. Choose one: they may not all be theirs.`);
const confirmDigits = () =>
  new AppError(
    ErrorCode.IDENTITY_UNVERIFIED,
    `This customer’s identity is not verified by their site. Ask them for the last ${CONFIRM_DIGITS} digits of their session ID.`,
  );

/**
 * An agent finds a waiting session by who the customer is — their e-mail or account ID — instead of
 * reading all nine digits over the phone. Anyone can claim an e-mail from a page, so: when several
 * waiting sessions match, the agent chooses one (SESSION_CHOICE_NEEDED; never the newest by
 * default); when the identity was not signed by the site's backend, the customer confirms the last
 * digits of the session ID (IDENTITY_UNVERIFIED until given). A miss or wrong digits is a failure
 * like a wrong code, under the same limits.
 */
export async function joinSessionByCustomer(
  deps: JoinDeps,
  agent: UserRow,
  input: JoinByCustomerInput,
  clientAddress: string,
): Promise<SessionWithAgent> {
  const where = identityFilter(input);
  if (!where) throw badInput('Give the customer’s e-mail or account ID.');
  const digits = input.lastDigits?.replace(/[\s-]/g, '') || null;
  if (digits !== null && !new RegExp(`^\\d{${CONFIRM_DIGITS}}$`).test(digits)) {
    throw badInput(`Give the last ${CONFIRM_DIGITS} digits of the session ID.`);
  }
  return guarded(deps, agent, clientAddress, async () => {
    const candidates = await deps.db.session.findMany({
      where: {
        ...where,
        status: 'WAITING',
        createdAt: { gt: waitingCutoff(deps.config) },
        ...(input.sessionId ? { id: input.sessionId } : {}),
      },
      orderBy: { createdAt: 'desc' },
      take: MAX_CHOICES,
      include: { agent: true },
    });
    const session = candidates[0];
    if (candidates.length > 1) throw chooseSession(candidates.length);
    if (session && !session.customerVerified) {
      if (digits === null) throw confirmDigits();
      if (!session.code.endsWith(digits)) {
        console.warn(`Join refused: wrong digits for session ${session.id}, typed by agent ${agent.id} (from ${clientAddress}).`);
        noteRefusal(deps, session, agent, 'digits');
        return null;
      }
    }
    if (!session) console.warn(`Join refused: no waiting session for that customer, asked by agent ${agent.id} (from ${clientAddress}).`);
    return joinFound(deps, agent, session ?? null);
  });
}

/**
 * The agent of a chat opens the co-browse session its customer started from that chat, as the
 * server told the agent's page. The server named the session, so this is no guess and is never
 * charged to the join limits: a customer who starts and leaves again and again cannot lock the
 * agent (or their office's address) out. Only the chat's own agent may.
 */
export async function joinChatSession(deps: JoinDeps, agent: UserRow, sessionId: string): Promise<SessionWithAgent> {
  const session = await deps.db.session.findUnique({ where: { id: sessionId }, include: { agent: true, chat: true } });
  if (!session?.chat || session.chat.agentId !== agent.id)
    throw forbidden('Only the agent of the chat it was started from can open this session.');
  const { chat: _chat, ...row } = session;
  const joined = await joinFound(deps, agent, row);
  if (!joined) throw sessionUnavailable();
  return joined;
}

/**
 * The agent whose request to co-browse the customer accepted opens the session it started. The
 * server named the session to that agent's page, so this is no guess and is never charged to the
 * join limits; nobody else may open it this way.
 */
export async function joinInvitedSession(deps: JoinDeps, agent: UserRow, sessionId: string): Promise<SessionWithAgent> {
  const session = sessionId.length <= 100 ? await deps.db.session.findUnique({ where: { id: sessionId }, include: { agent: true } }) : null;
  if (!session || session.invitedAgentId !== agent.id)
    throw forbidden('Only the agent whose request the customer accepted can open this session.');
  const joined = await joinFound(deps, agent, session);
  if (!joined) throw sessionUnavailable();
  return joined;
}

/**
 * Runs one join attempt under the join limits: charged before it starts, given back when it
 * joins or throws (no guess). `attempt` resolves to null for a failure, which stays charged.
 */
async function guarded(
  deps: JoinDeps,
  agent: UserRow,
  clientAddress: string,
  attempt: () => Promise<SessionWithAgent | null>,
): Promise<SessionWithAgent> {
  const limits = joinFailureLimits(deps);
  await limits.charge(agent.id, clientAddress);
  let joined: SessionWithAgent | null;
  try {
    joined = await attempt();
  } catch (error) {
    // A choice or digits still to give, AGENT_BUSY, a fault: the caller's state, not a guess.
    await limits.refund(agent.id, clientAddress);
    throw error;
  }
  if (!joined) throw sessionUnavailable();
  await limits.refund(agent.id, clientAddress);
  return joined;
}

/** Joins the session found, or notes why not and returns null (a failure). */
async function joinFound(deps: JoinDeps, agent: UserRow, session: SessionWithAgent | null): Promise<SessionWithAgent | null> {
  if (!session) return null;
  if (session.agentId === agent.id && session.status !== 'ENDED') return session;
  const cutoff = waitingCutoff(deps.config);
  let reason = refusalOf(session, cutoff);
  if (reason === null) {
    const joined = await claim(deps, session, agent, cutoff);
    if (joined) return joined;
    reason = 'taken'; // another agent won the race, or the customer left meanwhile
  }
  noteRefusal(deps, session, agent, reason);
  return null;
}
