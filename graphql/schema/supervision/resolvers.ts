import { verifyAuditChain } from '../../../server/audit/verify-audit-chain.ts';
import { requireHistoryReader } from '../../authorize.ts';
import { badInput } from '../../errors.ts';
import type { Resolvers } from '../../generated/resolvers-types.ts';
import { subscribeToTopics, topics } from '../../pubsub/index.ts';

const MAX_SESSIONS = 200;

export const supervisionResolvers: Resolvers = {
  Query: {
    sessions(_parent, { limit }, ctx) {
      requireHistoryReader(ctx);
      const take = limit ?? 50;
      if (take < 1 || take > MAX_SESSIONS) throw badInput(`limit must be between 1 and ${MAX_SESSIONS}.`);
      return ctx.db.session.findMany({ orderBy: { createdAt: 'desc' }, take, include: { agent: true } });
    },
    verifyAudit(_parent, { sessionId }, ctx) {
      requireHistoryReader(ctx);
      return verifyAuditChain(ctx.db, sessionId);
    },
  },
  Subscription: {
    sessionLifecycle: {
      subscribe(_parent, _args, ctx) {
        requireHistoryReader(ctx);
        return subscribeToTopics(ctx.pubsub, [topics.lifecycle]);
      },
      resolve: (message: unknown) => message,
    },
  },
};
