import { holdAgentPresence } from '../../../server/sessions/agent-availability.ts';
import {
  acceptHandover,
  declineHandover,
  handoverCandidates,
  offerHandover,
  pendingHandoverOffers,
  takeOverSession,
} from '../../../server/sessions/hand-over.ts';
import type { HandoverOfferChange } from '../../../server/sessions/handover-offers.ts';
import { isHandoverEnabled } from '../../../server/settings/handover-setting.ts';
import { forbidden } from '../../../server/core/errors.ts';
import { subscribeToTopics, topics } from '../../../server/core/pubsub/index.ts';
import { isApiKey, requireScope, requireUser } from '../../authorize.ts';
import type { Resolvers } from '../../generated/resolvers-types.ts';

/** Audit rows that give a session a new agent, and how. */
const STINT_STARTS = { AGENT_JOINED: 'JOINED', SESSION_HANDED_OVER: 'HANDED_OVER', SUPERVISOR_TOOK_OVER: 'TAKEN_OVER' } as const;

export const handoverResolvers: Resolvers = {
  Query: {
    handoverEnabled: (_parent, _args, ctx) => {
      requireUser(ctx, 'AGENT', 'SUPERVISOR', 'ADMIN');
      return isHandoverEnabled(ctx.db);
    },
    handoverCandidates: (_parent, { sessionId }, ctx) =>
      handoverCandidates(ctx, requireUser(ctx, 'AGENT', 'SUPERVISOR', 'ADMIN'), sessionId),
    myHandoverOffers: (_parent, _args, ctx) => pendingHandoverOffers(ctx, requireUser(ctx, 'AGENT')),
  },
  Mutation: {
    // Whoever holds the session may offer it: an agent, or a supervisor who took it over.
    offerHandover: (_parent, { sessionId, toAgentId, toEmail }, ctx) =>
      offerHandover(ctx, requireUser(ctx, 'AGENT', 'SUPERVISOR', 'ADMIN'), sessionId, { agentId: toAgentId, email: toEmail }),
    acceptHandover: (_parent, { offerId }, ctx) => acceptHandover(ctx, requireUser(ctx, 'AGENT'), offerId),
    declineHandover: (_parent, { offerId }, ctx) => declineHandover(ctx, requireUser(ctx, 'AGENT'), offerId),
    takeOverSession: (_parent, { sessionId }, ctx) => takeOverSession(ctx, requireUser(ctx, 'SUPERVISOR', 'ADMIN'), sessionId),
  },
  Subscription: {
    handoverOffers: {
      async subscribe(_root, _args, ctx) {
        const agent = requireUser(ctx, 'AGENT');
        let stop: (() => void) | null = null;
        let finished = false;
        const iterator = await subscribeToTopics<HandoverOfferChange>(ctx.pubsub, [topics.toStaff(agent.id)], {
          initial: async () => (await pendingHandoverOffers(ctx, agent)).map((offer) => ({ offer, open: true })),
          maxQueuedBytes: ctx.config.subscriberQueueBytes,
          onFinish: () => {
            finished = true;
            stop?.();
          },
        });
        // Online from the moment offers can reach this desktop, until it closes.
        try {
          stop = await holdAgentPresence(ctx.db, agent.id);
        } catch (error) {
          await iterator.return?.(); // no one will read it: let go of the topics
          throw error;
        }
        if (finished) stop();
        return iterator;
      },
      resolve: (change: HandoverOfferChange) => change,
    },
  },
  Session: {
    async agentHistory(session, _args, ctx) {
      if (isApiKey(ctx)) requireScope(ctx, 'AUDIT_READ');
      else {
        const user = requireUser(ctx);
        if (user.role === 'AGENT' && session.agentId !== user.id) throw forbidden('You cannot see this session’s history.');
      }
      const rows = await ctx.db.auditEvent.findMany({
        where: { sessionId: session.id, type: { in: Object.keys(STINT_STARTS) } },
        orderBy: { sequence: 'asc' },
        take: 500,
      });
      return rows.map((row) => {
        const data = JSON.parse(row.data) as Record<string, string | null | undefined>;
        const type = row.type as keyof typeof STINT_STARTS;
        return {
          start: STINT_STARTS[type],
          at: row.at,
          agentId: data.agentId ?? data.toAgentId ?? data.supervisorId ?? null,
          agentName: data.agentName ?? data.toAgentName ?? data.supervisorName ?? null,
        };
      });
    },
  },
};
