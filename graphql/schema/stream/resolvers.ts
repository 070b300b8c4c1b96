import { staffActor } from '../../../server/audit/audit-event-types.ts';
import type { AgentAction, StreamMessage } from '../../../protocol/index.ts';
import { pageAddress } from '../../../protocol/page-address.ts';
import { validateAgentSignal } from '../../../protocol/validate.ts';
import { recordAuditEvent } from '../../../server/audit/record-audit-event.ts';
import { toSessionState } from '../../../server/sessions/session-state.ts';
import type { UserRow } from '../../../server/core/db/index.ts';
import { isAllowedOrigin } from '../../../server/settings/allowed-origins.ts';
import { loadSiteSettings, sessionRules } from '../../../server/settings/site-settings.ts';
import { isSessionCustomer, requireUser } from '../../authorize.ts';
import { admitAnnotation } from './annotations.ts';
import { admitByCapability, admitGuidedSignal } from './signal-admission.ts';
import { checkSignalMode } from '../../../server/sessions/signal-policy.ts';
import { keptQueryParameters } from './batch-traces.ts';
import { noteSessionEnded } from './customer-batch-guard.ts';
import { takeCustomerBatch } from './take-customer-batch.ts';
import { announceWatcher, signalAsWatcher } from './watchers.ts';
import type { GraphQLContext } from '../../context.ts';
import { AppError, ErrorCode, badInput, forbidden, notFound } from '../../../server/core/errors.ts';
import type { Resolvers } from '../../generated/resolvers-types.ts';
import { directFieldResults } from '../../operation-root.ts';
import { subscribeToTopics, topics } from '../../../server/core/pubsub/index.ts';

/**
 * Whether the signed-in user is this session's agent. Remembered per connection for a moment,
 * because pointer signals arrive many times a second and must not cost a database read each; a
 * hand-over reaches a connection with no stream open within that moment (one with a stream forgets
 * at once, see the subscription's filter), and Write Mode actions are checked against the row.
 */
const AGENT_MEMO_MS = 2000;

async function isSessionAgent(ctx: GraphQLContext, sessionId: string): Promise<boolean> {
  const user = ctx.viewer.user;
  if (!user) return false;
  const key = `agent-of:${sessionId}`;
  const known = ctx.memo.get(key) as { at: number; allowed: boolean } | undefined;
  if (known && performance.now() - known.at < AGENT_MEMO_MS) return known.allowed;
  const session = await ctx.db.session.findUnique({ where: { id: sessionId }, select: { agentId: true, status: true } });
  const allowed = session?.agentId === user.id && session.status !== 'ENDED';
  ctx.memo.set(key, { at: performance.now(), allowed });
  return allowed;
}

/**
 * Write Mode actions are checked against the session as it is now (the mode can change at any
 * moment, so nothing is remembered), and a URL must stay on the site: agents may not navigate the customer elsewhere.
 */
async function checkAction(ctx: GraphQLContext, sessionId: string, action: AgentAction): Promise<void> {
  const session = await ctx.db.session.findUnique({
    where: { id: sessionId },
    select: { mode: true, status: true, origin: true, agentId: true },
  });
  // The customer approved Write Mode for the agent who holds the session, not one it was handed from.
  if (session && session.agentId !== ctx.viewer.user?.id) throw forbidden('You are not the agent of this session.');
  checkSignalMode(session, { type: 'action', id: 0, action });
  if (session && action.kind === 'open') {
    let origin: string;
    try {
      origin = new URL(action.url).origin;
    } catch {
      throw badInput('That is not a valid web address.');
    }
    if (origin !== session.origin && !(await isAllowedOrigin(ctx, origin))) {
      throw new AppError(ErrorCode.ORIGIN_NOT_ALLOWED, `${origin} is outside the customer’s site; co-browsing works only there.`);
    }
  }
}

/** A hand-over or take-over: the session has a new agent (named on the agent's side of the stream). */
const newAgentOf = (message: StreamMessage): string | undefined => (message.type === 'session' ? message.agentId : undefined);

const isEnded = (message: StreamMessage) => message.type === 'session' && message.event === 'ended';
const isFinal = (message: StreamMessage) => isEnded(message) || (message.type === 'session' && message.session.status === 'ENDED');

export const streamResolvers: Resolvers = {
  Mutation: {
    async sendEvents(_parent, { sessionId, batch }, ctx) {
      await takeCustomerBatch(ctx, sessionId, batch);
      return true;
    },
    async sendSignal(_parent, { sessionId, signal }, ctx) {
      const user = requireUser(ctx, 'AGENT', 'SUPERVISOR', 'ADMIN');
      // A supervisor who took the session over is its agent; others watching act within what the admin allows.
      if (user.role !== 'AGENT' && !(await isSessionAgent(ctx, sessionId))) return signalAsWatcher(ctx, user, sessionId, signal);
      if (!(await isSessionAgent(ctx, sessionId))) throw forbidden('You are not the agent of this session.');
      const checked = validateAgentSignal(signal);
      if (!checked.ok) throw badInput(`Bad signal: ${checked.problem}`);
      const value = checked.value;
      await admitByCapability(ctx, 'agent', value);
      if (value.type === 'scroll' || value.type === 'highlight') await admitGuidedSignal(ctx, sessionId, value);
      if (value.type === 'action') {
        await checkAction(ctx, sessionId, value.action);
        // An address is audited as page addresses are stored everywhere: without its fragment
        // and the query parameters the site does not keep.
        const to =
          value.action.kind === 'navigate'
            ? value.action.to
            : value.action.kind === 'open'
              ? pageAddress(value.action.url, await keptQueryParameters(ctx))
              : undefined;
        // Audited before it reaches the customer, never with the typed value: an action the
        // audit trail cannot hold is not sent at all.
        await recordAuditEvent(
          ctx.db,
          sessionId,
          staffActor(user),
          { type: 'AGENT_ACTION', data: { kind: value.action.kind, target: value.target ?? null, ...(to ? { to } : {}) } },
          { maxEvents: ctx.config.maxAuditEventsPerSession },
        ).catch((error: unknown) => {
          if (error instanceof AppError) throw error; // e.g. LIMIT_REACHED: the session's audit trail is full
          console.error(error);
          throw new AppError(ErrorCode.AUDIT_UNAVAILABLE, 'The action could not be audited, so it was not sent; try again.');
        });
        await ctx.pubsub.publish(topics.toCustomer(sessionId), {
          type: 'action',
          id: value.id,
          action: value.action,
        } satisfies StreamMessage);
        return true;
      }
      if (value.type === 'annotate' || value.type === 'clear-annotations') await admitAnnotation(ctx, sessionId, staffActor(user), value);
      const message: StreamMessage = value.type === 'request-snapshot' ? { type: 'snapshot-request' } : value;
      await ctx.pubsub.publish(topics.toCustomer(sessionId), message);
      return true;
    },
  },
  Subscription: {
    sessionStream: {
      async subscribe(root, { sessionId }, ctx, info) {
        const asCustomer = isSessionCustomer(ctx, sessionId);
        // Supervisors and admins watch read-only, on the agent's side of the stream.
        let watcher: UserRow | null = null;
        let asAgent: UserRow | null = null;
        if (!asCustomer) {
          const user = requireUser(ctx, 'AGENT', 'SUPERVISOR', 'ADMIN');
          ctx.memo.delete(`agent-of:${sessionId}`);
          if (user.role === 'AGENT') {
            if (!(await isSessionAgent(ctx, sessionId))) throw forbidden('Join the session before watching it.');
            asAgent = user;
          } else if (await isSessionAgent(ctx, sessionId))
            asAgent = user; // took it over
          else watcher = user;
        }
        const current = await ctx.db.session.findUnique({ where: { id: sessionId }, include: { agent: true } });
        if (!current) throw notFound('No such session.');
        if (watcher && current.status === 'ENDED') throw new AppError(ErrorCode.SESSION_ENDED, 'This session has ended.');
        if (watcher) await announceWatcher(ctx, sessionId, watcher, 'SUPERVISOR_JOINED');
        const onFinish = watcher && (() => void announceWatcher(ctx, sessionId, watcher, 'SUPERVISOR_LEFT').catch(console.error));
        const topic = asCustomer ? topics.toCustomer(sessionId) : topics.toAgent(sessionId);
        return subscribeToTopics<StreamMessage>(ctx.pubsub, [topic], {
          initial: async () => {
            const [session, settings] = await Promise.all([
              ctx.db.session.findUniqueOrThrow({ where: { id: sessionId }, include: { agent: true } }),
              loadSiteSettings(ctx.db),
            ]);
            // Rules first: the widget records under them from its first snapshot.
            return [
              { type: 'rules', rules: sessionRules(settings) },
              { type: 'session', event: 'state', session: toSessionState(session) },
            ];
          },
          // The agent who handed the session over (or had it taken) gets that news last.
          isLast: asAgent ? (message) => isFinal(message) || (newAgentOf(message) ?? asAgent.id) !== asAgent.id : isFinal,
          // Who may send this connection's signals changed: look it up again at the next one.
          filter: asCustomer
            ? undefined
            : (message) => {
                if (newAgentOf(message) !== undefined) ctx.memo.delete(`agent-of:${sessionId}`);
                return true;
              },
          onFinish: onFinish || undefined,
          maxQueuedBytes: ctx.config.subscriberQueueBytes,
          // Every message but the final one (see resolve) reaches the client as it was published.
          deliverNow: directFieldResults(root, info.path.key),
        });
      },
      resolve(message: StreamMessage, { sessionId }: { sessionId: string }, ctx: GraphQLContext) {
        if (isFinal(message)) noteSessionEnded(ctx, sessionId); // this connection's batches are refused from now on
        return message;
      },
    },
  },
};
