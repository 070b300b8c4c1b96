import { SESSION_CODE_PATTERN } from '../../protocol/index.ts';
import { AppError, ErrorCode, badInput } from '../core/errors.ts';
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

type RefusalReason = 'taken' | 'ended' | 'expired';

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
 * One session per agent and one agent per session (no conference or transfer) are enforced by conditional updates,
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
  return joinFound(deps, agent, clientAddress, `the code ${code}`, () =>
    deps.db.session.findUnique({ where: { code }, include: { agent: true } }),
  );
}

/**
 * An agent finds a waiting session by who the customer is — their e-mail or account ID, as the
 * site told the widget — instead of reading digits over the phone. The newest waiting
 * session of that customer is joined; a miss is a failure like a wrong code, under the same limits.
 */
export async function joinSessionByCustomer(
  deps: JoinDeps,
  agent: UserRow,
  identity: CustomerIdentity,
  clientAddress: string,
): Promise<SessionWithAgent> {
  const where = identityFilter(identity);
  if (!where) throw badInput('Give the customer’s e-mail or account ID.');
  return joinFound(deps, agent, clientAddress, 'that customer', () =>
    deps.db.session.findFirst({
      where: { ...where, status: 'WAITING', createdAt: { gt: waitingCutoff(deps.config) } },
      orderBy: { createdAt: 'desc' },
      include: { agent: true },
    }),
  );
}

async function joinFound(
  deps: JoinDeps,
  agent: UserRow,
  clientAddress: string,
  what: string,
  find: () => Promise<SessionWithAgent | null>,
): Promise<SessionWithAgent> {
  const failures = joinFailureLimits(deps);
  await failures.check(agent.id, clientAddress);

  const session = await find();
  if (session && session.agentId === agent.id && session.status !== 'ENDED') return session;
  const cutoff = waitingCutoff(deps.config);
  if (session) {
    let reason = refusalOf(session, cutoff);
    if (reason === null) {
      const joined = await claim(deps, session, agent, cutoff);
      if (joined) return joined;
      reason = 'taken'; // another agent won the race, or the customer left meanwhile
    }
    noteRefusal(deps, session, agent, reason);
  } else {
    console.warn(`Join refused: no session for ${what}, typed by agent ${agent.id} (from ${clientAddress}).`);
  }
  await failures.failed(agent.id, clientAddress);
  throw sessionUnavailable();
}
