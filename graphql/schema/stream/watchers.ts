import { staffActor } from '../../../server/audit/audit-event-types.ts';
import { validateAgentSignal } from '../../../protocol/validate.ts';
import type { StreamMessage } from '../../../protocol/index.ts';
import { streamEventName } from '../../../protocol/session-events.ts';
import type { UserRow } from '../../../server/core/db/index.ts';
import { toSessionState } from '../../../server/sessions/session-state.ts';
import type { GraphQLContext } from '../../context.ts';
import { AppError, ErrorCode, badInput, forbidden, notFound } from '../../../server/core/errors.ts';
import { topics } from '../../../server/core/pubsub/index.ts';
import { signalNeeds } from '../../../server/sessions/signal-policy.ts';
import { admitGuidedSignal, capabilitiesOf } from './signal-admission.ts';
import { admitAnnotation } from './annotations.ts';

/** A supervisor started or stopped watching; the customer and the agent are both told, and it is audited. */
export async function announceWatcher(
  ctx: GraphQLContext,
  sessionId: string,
  supervisor: UserRow,
  event: 'SUPERVISOR_JOINED' | 'SUPERVISOR_LEFT',
) {
  // Queued before anything can fail, so the watch is on record even while the database is down.
  ctx.audit.enqueue(
    sessionId,
    { kind: 'SUPERVISOR', id: supervisor.id },
    event === 'SUPERVISOR_JOINED'
      ? { type: 'SUPERVISOR_JOINED', data: { supervisorId: supervisor.id, supervisorName: supervisor.name } }
      : { type: 'SUPERVISOR_LEFT', data: { supervisorId: supervisor.id } },
  );
  const session = await ctx.db.session.findUnique({ where: { id: sessionId }, include: { agent: true } });
  if (!session || session.status === 'ENDED') return;
  const message: StreamMessage = {
    type: 'session',
    event: streamEventName(event),
    session: toSessionState(session),
    by: 'SUPERVISOR',
    byName: supervisor.name,
  };
  await Promise.all([ctx.pubsub.publish(topics.toCustomer(sessionId), message), ctx.pubsub.publish(topics.toAgent(sessionId), message)]);
}

/**
 * A watching supervisor may ask for a fresh snapshot, to see the page from now on; and use the
 * tools an admin gave supervisors that need no consent of their own (point, annotate) or that the
 * customer already granted the session (scroll and highlight in Guided or Write Mode). Clicking,
 * typing and navigating stay with the session's agent. Admins watching are read-only.
 */
export async function signalAsWatcher(ctx: GraphQLContext, watcher: UserRow, sessionId: string, signal: unknown): Promise<boolean> {
  const checked = validateAgentSignal(signal);
  if (!checked.ok) throw badInput(`Bad signal: ${checked.problem}`);
  const value = checked.value;
  if (value.type !== 'request-snapshot') {
    const capabilities = await capabilitiesOf(ctx, 'supervisor');
    const { capability } = signalNeeds(value);
    if (watcher.role !== 'SUPERVISOR' || value.type === 'action' || (capability && !capabilities[capability]))
      throw forbidden('Supervisors watch sessions read-only, but for the tools an admin gave them.');
  }
  const session = await ctx.db.session.findUnique({ where: { id: sessionId }, select: { status: true } });
  if (!session) throw notFound('No such session.');
  if (session.status === 'ENDED') throw new AppError(ErrorCode.SESSION_ENDED, 'This session has ended.');
  if (value.type === 'scroll' || value.type === 'highlight') await admitGuidedSignal(ctx, sessionId, value);
  if (value.type === 'annotate' || value.type === 'clear-annotations') await admitAnnotation(ctx, sessionId, staffActor(watcher), value);
  const message: StreamMessage = value.type === 'request-snapshot' ? { type: 'snapshot-request' } : (value as StreamMessage);
  await ctx.pubsub.publish(topics.toCustomer(sessionId), message);
  return true;
}
