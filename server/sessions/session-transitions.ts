import { LIVE_SESSION_STATUSES, type SessionStatus } from '../../protocol/messages.ts';
import type { SessionEventName } from '../../protocol/session-events.ts';
import type { Prisma, TransactionClient } from '../core/db/index.ts';

/**
 * A session's lifecycle, written down once. Every change of a session's status, mode, Write Mode
 * request or presence goes through {@link applyTransition}: one conditional update whose guard
 * is the transition's `from` states (plus the caller's own conditions), so two racing changes
 * cannot both win and no change starts from a state the table does not list.
 *
 *   WAITING ──join──▶ ACTIVE ◀──resume── PAUSED
 *      │                │ └────pause────▶ │
 *      └──────end───────┴───────end───────┴──▶ ENDED
 *
 * Mode (POINTER ⇄ GUIDED ⇄ WRITE, each step up with the customer's consent) and the Write and
 * Guided Mode requests change within ACTIVE (answers and drops also within PAUSED); presence
 * changes in any state but ENDED. The agent changes within ACTIVE or PAUSED only by a hand-over
 * (an accepted offer) or a supervisor's take-over.
 */
interface TransitionSpec {
  /** The states it may start from. */
  from: readonly SessionStatus[];
  /** The status it leads to; the status stays when absent. */
  to?: SessionStatus;
  /** What it is audited and announced as; null for presence, which is announced but not audited. */
  event: SessionEventName | null;
}

const LIVE: readonly SessionStatus[] = LIVE_SESSION_STATUSES;
/** An agent holds the session. */
const JOINED: readonly SessionStatus[] = ['ACTIVE', 'PAUSED'];

export const SESSION_TRANSITIONS = {
  join: { from: ['WAITING'], to: 'ACTIVE', event: 'AGENT_JOINED' },
  requestWrite: { from: ['ACTIVE'], event: 'WRITE_REQUESTED' },
  approveWrite: { from: ['ACTIVE', 'PAUSED'], event: 'WRITE_APPROVED' },
  declineWrite: { from: ['ACTIVE', 'PAUSED'], event: 'WRITE_DECLINED' },
  expireWrite: { from: LIVE, event: 'WRITE_EXPIRED' },
  pointerMode: { from: LIVE, event: 'POINTER_MODE' },
  requestGuided: { from: ['ACTIVE'], event: 'GUIDED_REQUESTED' },
  approveGuided: { from: ['ACTIVE', 'PAUSED'], event: 'GUIDED_APPROVED' },
  declineGuided: { from: ['ACTIVE', 'PAUSED'], event: 'GUIDED_DECLINED' },
  expireGuided: { from: LIVE, event: 'GUIDED_EXPIRED' },
  /** Either side leaves Guided Mode (or drops its pending request): back to Pointer Mode. */
  endGuided: { from: LIVE, event: 'GUIDED_ENDED' },
  /** The customer is on a page agents may not see (hidden, or off the allowed sites). */
  pause: { from: ['ACTIVE'], to: 'PAUSED', event: 'SESSION_PAUSED' },
  resume: { from: ['PAUSED'], to: 'ACTIVE', event: 'SESSION_RESUMED' },
  customerGone: { from: LIVE, event: null },
  customerBack: { from: LIVE, event: null },
  /** The agent offers the session to another agent; one offer at a time. */
  offerHandover: { from: JOINED, event: 'HANDOVER_OFFERED' },
  declineHandover: { from: LIVE, event: 'HANDOVER_DECLINED' },
  expireHandover: { from: LIVE, event: 'HANDOVER_EXPIRED' },
  /** The offered agent accepts: the session changes agent, back in Pointer Mode. */
  handOver: { from: JOINED, event: 'SESSION_HANDED_OVER' },
  supervisorTakeOver: { from: JOINED, event: 'SUPERVISOR_TOOK_OVER' },
  end: { from: LIVE, to: 'ENDED', event: 'SESSION_ENDED' },
} as const satisfies Record<string, TransitionSpec>;

export type SessionTransition = keyof typeof SESSION_TRANSITIONS;

/** Whether a session in `status` may take `transition`. */
export const canTake = (transition: SessionTransition, status: SessionStatus): boolean =>
  (SESSION_TRANSITIONS[transition].from as readonly SessionStatus[]).includes(status);

/** The status a session in `status` has after `transition`. */
export const statusAfter = (transition: SessionTransition, status: SessionStatus): SessionStatus =>
  (SESSION_TRANSITIONS[transition] as TransitionSpec).to ?? status;

/** The database, or a transaction on it. */
type SessionWriter = Pick<TransactionClient, 'session'>;

/**
 * Sessions one statement changes at most: an instance holding thousands of customers changes
 * them all at once, and SQLite refuses a statement with that many bound parameters.
 */
const IDS_PER_STATEMENT = 500;

/**
 * Takes a transition, as a conditional update of one session, several (in statements of at most IDS_PER_STATEMENT), or (null) every session
 * in a state it starts from: `guard` adds the caller's conditions (the
 * agent's id, the request's id…) and `data` its other changes. How many sessions changed: 0
 * when none was in a state the transition starts from.
 */
export async function applyTransition(
  db: SessionWriter,
  transition: SessionTransition,
  sessionIds: string | string[] | null,
  { guard = {}, data = {} }: { guard?: Prisma.SessionWhereInput; data?: Prisma.SessionUncheckedUpdateManyInput } = {},
): Promise<number> {
  const spec: TransitionSpec = SESSION_TRANSITIONS[transition];
  if (Array.isArray(sessionIds) && sessionIds.length > IDS_PER_STATEMENT) {
    let changed = 0;
    for (let from = 0; from < sessionIds.length; from += IDS_PER_STATEMENT)
      changed += await applyTransition(db, transition, sessionIds.slice(from, from + IDS_PER_STATEMENT), { guard, data });
    return changed;
  }
  const changed = await db.session.updateMany({
    where: {
      ...(sessionIds !== null && { id: typeof sessionIds === 'string' ? sessionIds : { in: sessionIds } }),
      status: { in: [...spec.from] },
      ...guard,
    },
    data: { ...data, ...(spec.to && { status: spec.to }) },
  });
  return changed.count;
}
