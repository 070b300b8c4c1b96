import type { ActorKind, StreamMessage } from '../../protocol/index.ts';
import { streamEventName, type SessionEventName } from '../../protocol/session-events.ts';
import { appendAuditEvent } from '../audit/append-audit-event.ts';
import type { Actor, HandoverRowData } from '../audit/audit-event-types.ts';
import type { SessionRow, TransactionClient } from '../core/db/index.ts';
import { topics } from '../core/pubsub/index.ts';
import type { SessionDeps } from './deps.ts';
import { toSessionState, type SessionWithAgent } from './session-state.ts';

/** An offer to take over another agent's session, as the offered agent's desktop shows it. */
export interface HandoverOffer {
  id: string;
  sessionId: string;
  sessionCode: string;
  fromAgentId: string;
  fromAgentName: string;
  toAgentId: string;
  toAgentName: string;
  expiresAt: Date;
}

/** What the offered agent hears: an offer, or that it closed (answered, expired, withdrawn, session over). */
export interface HandoverOfferChange {
  offer: HandoverOffer;
  open: boolean;
}

/** The pending offer of a session row (to-agent set, not yet expired), if any. */
export const pendingOffer = (session: Pick<SessionRow, 'handoverOfferId' | 'handoverToId' | 'handoverExpiresAt'>, now = new Date()) =>
  session.handoverOfferId !== null &&
  session.handoverToId !== null &&
  session.handoverExpiresAt !== null &&
  session.handoverExpiresAt > now;

/** The offer a session row holds, with the names of both agents (for the audit row and the desktop). */
export async function offerOf(db: Pick<TransactionClient, 'user'>, session: SessionRow): Promise<HandoverOffer | null> {
  if (!session.handoverOfferId || !session.handoverToId || !session.handoverExpiresAt || !session.agentId) return null;
  const [from, to] = await Promise.all([
    db.user.findUnique({ where: { id: session.agentId }, select: { name: true } }),
    db.user.findUnique({ where: { id: session.handoverToId }, select: { name: true } }),
  ]);
  return {
    id: session.handoverOfferId,
    sessionId: session.id,
    sessionCode: session.code,
    fromAgentId: session.agentId,
    fromAgentName: from?.name ?? '',
    toAgentId: session.handoverToId,
    toAgentName: to?.name ?? '',
    expiresAt: session.handoverExpiresAt,
  };
}

/** An offer's audit row data. */
export const rowOf = (offer: HandoverOffer): HandoverRowData => ({
  offerId: offer.id,
  fromAgentId: offer.fromAgentId,
  fromAgentName: offer.fromAgentName,
  toAgentId: offer.toAgentId,
  toAgentName: offer.toAgentName,
});

/** Tells the offered agent's desktops, on whichever instance they are connected, about their offer. */
export const tellOffered = ({ pubsub }: Pick<SessionDeps, 'pubsub'>, offer: HandoverOffer, open: boolean) =>
  pubsub.publish(topics.toStaff(offer.toAgentId), { offer, open } satisfies HandoverOfferChange);

/**
 * Announces a hand-over moment on the session's agent side (and to lifecycle watchers). Only a
 * change of agent reaches the customer, who is told who took over; `agentId` names the new holder,
 * so the agent who held the session before knows their view has ended.
 */
export async function announceHandover(
  { pubsub }: Pick<SessionDeps, 'pubsub'>,
  event: SessionEventName,
  session: SessionWithAgent,
  by: { kind: ActorKind; name: string },
  changesAgent = false,
): Promise<void> {
  const message: StreamMessage = {
    type: 'session',
    event: streamEventName(event),
    session: toSessionState(session),
    by: by.kind,
    byName: by.name,
  };
  await Promise.all([
    pubsub.publish(topics.toAgent(session.id), changesAgent && session.agentId ? { ...message, agentId: session.agentId } : message),
    changesAgent ? pubsub.publish(topics.toCustomer(session.id), message) : null,
    pubsub.publish(topics.lifecycle, message),
  ]);
}

/** The columns of a session without an offer. */
export const NO_OFFER = { handoverOfferId: null, handoverToId: null, handoverExpiresAt: null } as const;

/**
 * The columns of a session whose offer was accepted: the offer's id stays, so a second click on
 * Accept finds the session already the clicking agent's. Every other way an offer closes clears it.
 */
export const OFFER_ACCEPTED = { handoverToId: null, handoverExpiresAt: null } as const;

/**
 * Inside the transaction that ends a session (or gives it to someone else): audits that its
 * pending offer closed unanswered, and returns it so the offered agent can be told after commit.
 * The caller's transition clears the columns (NO_OFFER).
 */
export async function closePendingOffer(
  tx: TransactionClient,
  before: SessionRow,
  actor: Actor,
  reason: 'session-ended' | 'taken-over',
): Promise<HandoverOffer | null> {
  if (!pendingOffer(before)) return null;
  const offer = await offerOf(tx, before);
  if (!offer) return null;
  await appendAuditEvent(tx, before.id, actor, { type: 'HANDOVER_EXPIRED', data: { ...rowOf(offer), reason } });
  return offer;
}
