import type { ActorKind, SessionState, StreamMessage } from '../../protocol/index.ts';
import { streamEventName, type SessionEventName } from '../../protocol/session-events.ts';
import { topics } from '../core/pubsub/index.ts';
import type { SessionRow, UserRow } from '../core/db/index.ts';
import { customerOf } from './customer-identity.ts';
import type { SessionDeps } from './deps.ts';

export type SessionWithAgent = SessionRow & { agent: UserRow | null };

/** What both sides are told about a session; nothing secret. */
export function toSessionState(session: SessionWithAgent): SessionState {
  return {
    id: session.id,
    code: session.code,
    status: session.status,
    mode: session.mode,
    agentName: session.agent?.name ?? null,
    endedBy: session.endedBy,
    endReason: session.endReason,
    writeRequest:
      session.writeRequestId && session.writeRequestExpiresAt
        ? { id: session.writeRequestId, expiresAt: session.writeRequestExpiresAt.toISOString() }
        : null,
    guidedRequest:
      session.guidedRequestId && session.guidedRequestExpiresAt
        ? { id: session.guidedRequestId, expiresAt: session.guidedRequestExpiresAt.toISOString() }
        : null,
    customerConnected: session.customerGoneAt === null,
    customerGoneAt: session.customerGoneAt?.toISOString() ?? null,
    customer: customerOf(session),
  };
}

/** Tells the customer, the agent and lifecycle watchers that a session changed. */
export async function publishSessionEvent(
  { pubsub }: Pick<SessionDeps, 'pubsub'>,
  event: SessionEventName,
  session: SessionWithAgent,
  by?: ActorKind,
): Promise<void> {
  const message: StreamMessage = {
    type: 'session',
    event: streamEventName(event),
    session: toSessionState(session),
    ...(by ? { by } : {}),
  };
  await Promise.all([
    pubsub.publish(topics.toAgent(session.id), message),
    pubsub.publish(topics.toCustomer(session.id), message),
    pubsub.publish(topics.lifecycle, message),
  ]);
}
