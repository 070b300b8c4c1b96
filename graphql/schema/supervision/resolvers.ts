import { verifyAuditChain } from '../../../server/audit/verify-audit-chain.ts';
import { findAuditEvents } from '../../../server/supervision/audit-history.ts';
import { findSessionHistory } from '../../../server/supervision/session-history.ts';
import { computeSessionStats } from '../../../server/supervision/session-stats.ts';
import { requireHistoryReader } from '../../authorize.ts';
import { idPage } from '../../pagination.ts';
import { badInput } from '../../../server/core/errors.ts';
import type { Resolvers } from '../../generated/resolvers-types.ts';
import { subscribeToTopics, topics } from '../../../server/core/pubsub/index.ts';

const MAX_SESSIONS = 200;

/** A DateTime argument as a Date; the scalar passes client strings through unchecked. */
function dateArg(value: Date | string | null | undefined, name: string): Date | null {
  if (value === null || value === undefined) return null;
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw badInput(`${name} must be an ISO-8601 date-time such as 2026-11-25T09:30:00Z.`);
  return date;
}

export const supervisionResolvers: Resolvers = {
  Query: {
    sessions(_parent, { limit }, ctx) {
      requireHistoryReader(ctx, 'SESSIONS_READ');
      const take = limit ?? 50;
      if (take < 1 || take > MAX_SESSIONS) throw badInput(`limit must be between 1 and ${MAX_SESSIONS}.`);
      return ctx.db.session.findMany({ orderBy: { createdAt: 'desc' }, take, include: { agent: true } });
    },
    sessionHistory(_parent, { filter, first, after }, ctx) {
      requireHistoryReader(ctx, 'SESSIONS_READ');
      return findSessionHistory(
        ctx.db,
        { ...filter, from: dateArg(filter?.from, 'filter.from'), to: dateArg(filter?.to, 'filter.to') },
        { first, after },
      );
    },
    auditEvents(_parent, { sessionId, first, after }, ctx) {
      requireHistoryReader(ctx, 'AUDIT_READ');
      return findAuditEvents(ctx.db, sessionId, { first, after });
    },
    sessionStats(_parent, { from, to, timeZone, agentId }, ctx) {
      requireHistoryReader(ctx, 'SESSIONS_READ');
      const provider = ctx.config.databaseUrl.startsWith('file:') ? 'sqlite' : 'postgresql';
      return computeSessionStats(ctx.db, { from: dateArg(from, 'from'), to: dateArg(to, 'to'), timeZone, agentId }, provider);
    },
    agents(_parent, { first, after }, ctx) {
      requireHistoryReader(ctx, 'SESSIONS_READ');
      return ctx.db.user.findMany({
        where: { role: 'AGENT' },
        orderBy: [{ name: 'asc' }, { id: 'asc' }],
        ...idPage({ first, after }, 200, 500),
      });
    },
    verifyAudit(_parent, { sessionId, knownHead }, ctx) {
      requireHistoryReader(ctx, 'AUDIT_READ');
      if (knownHead && (knownHead.count < 1 || !/^[0-9a-f]{64}$/.test(knownHead.hash))) {
        throw badInput('knownHead needs a sequence number from 1 and a hash of 64 lowercase hexadecimal digits.');
      }
      return verifyAuditChain(ctx.db, sessionId, knownHead ? { knownHead } : {});
    },
  },
  Subscription: {
    sessionLifecycle: {
      subscribe(_parent, _args, ctx) {
        requireHistoryReader(ctx, 'SESSIONS_READ');
        return subscribeToTopics(ctx.pubsub, [topics.lifecycle], { maxQueuedBytes: ctx.config.subscriberQueueBytes });
      },
      resolve: (message: unknown) => message,
    },
  },
};
