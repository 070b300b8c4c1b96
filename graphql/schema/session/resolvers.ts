import { staffActor } from '../../../server/audit/audit-event-types.ts';
import { endSession } from '../../../server/sessions/end-session.ts';
import { customerOf } from '../../../server/sessions/customer-identity.ts';
import { joinChatSession, joinSession, joinSessionByCustomer, waitingSessionsOfCustomer } from '../../../server/sessions/join-session.ts';
import { startSession } from '../../../server/sessions/start-session.ts';
import { startSessionLimit } from '../../../server/limits/public-surface-limits.ts';
import { chargeSessionStart } from '../../../server/limits/storage-quotas.ts';
import { findRecordingPage } from '../../../server/supervision/recording-pages.ts';
import { isAllowedOrigin } from '../../../server/settings/allowed-origins.ts';
import { isApiKey, isSessionCustomer, requireHistoryReader, requireScope, requireUser } from '../../authorize.ts';
import type { GraphQLContext } from '../../context.ts';
import { AppError, ErrorCode, badInput, forbidden } from '../../../server/core/errors.ts';
import type { Resolvers } from '../../generated/resolvers-types.ts';
import type { SessionRow } from '../../../server/core/db/index.ts';

/** The customer of the session, its agent, supervisors, admins and read-only API keys may read it. */
function canRead(ctx: GraphQLContext, session: SessionRow): boolean {
  const user = ctx.viewer.user;
  if (isSessionCustomer(ctx, session.id)) return true;
  if (isApiKey(ctx)) {
    requireScope(ctx, 'SESSIONS_READ');
    return true;
  }
  if (!user) return false;
  return user.role !== 'AGENT' || session.agentId === user.id;
}

const MAX_AUDIT_PAGE = 500;

/** The widget may start sessions from this server's own pages (the demo) and from allowed sites. */
const mayStartFrom = async (ctx: GraphQLContext, origin: string | null): Promise<boolean> =>
  origin !== null && (origin === ctx.selfOrigin || (await isAllowedOrigin(ctx, origin)));

export const sessionResolvers: Resolvers = {
  Query: {
    async session(_parent, { id }, ctx) {
      const session = await ctx.db.session.findUnique({ where: { id } });
      if (!session) return null;
      if (!canRead(ctx, session)) throw forbidden('You cannot see this session.');
      return session;
    },
    waitingSessionsOfCustomer: async (_parent, identity, ctx) => {
      requireUser(ctx, 'AGENT');
      const choices = await waitingSessionsOfCustomer(ctx, identity);
      return choices.map((choice) => ({
        sessionId: choice.id,
        origin: choice.origin,
        url: choice.url,
        startedAt: choice.createdAt,
        customer: customerOf(choice) ?? { verified: false },
      }));
    },
    async myActiveSession(_parent, _args, ctx) {
      const user = requireUser(ctx, 'AGENT');
      const fresh = await ctx.db.user.findUnique({ where: { id: user.id }, include: { activeSession: true } });
      return fresh?.activeSession ?? null;
    },
  },
  Mutation: {
    async startSession(_parent, { input }, ctx) {
      await startSessionLimit(ctx).consume(ctx.clientAddress); // anonymous: every attempt counts
      const origin = ctx.requestOrigin;
      if (!(await mayStartFrom(ctx, origin)) || !origin) {
        throw new AppError(ErrorCode.ORIGIN_NOT_ALLOWED, 'Co-browse can only start from a page on an allowed site.');
      }
      await chargeSessionStart(ctx, origin, ctx.clientAddress); // hourly quotas of the address and the site
      return startSession(ctx, { ...input, origin });
    },
    joinSession: (_parent, { code }, ctx) => joinSession(ctx, requireUser(ctx, 'AGENT'), code, ctx.clientAddress),
    joinSessionByCustomer: (_parent, input, ctx) => joinSessionByCustomer(ctx, requireUser(ctx, 'AGENT'), input, ctx.clientAddress),
    joinChatSession: (_parent, { sessionId }, ctx) => joinChatSession(ctx, requireUser(ctx, 'AGENT'), sessionId),
    async exitSession(_parent, { sessionId }, ctx) {
      if (isSessionCustomer(ctx, sessionId)) return endSession(ctx, sessionId, { kind: 'CUSTOMER', id: null }, 'customer exited');
      const user = requireUser(ctx);
      const session = await ctx.db.session.findUnique({ where: { id: sessionId } });
      if (!session || session.agentId !== user.id) throw forbidden('Only the session’s customer or agent can end it.');
      return endSession(ctx, sessionId, staffActor(user), 'agent exited');
    },
  },
  Session: {
    customer: (session) => customerOf(session),
    agent: (session, _args, ctx) =>
      'agent' in session ? (session.agent as never) : session.agentId ? ctx.db.user.findUnique({ where: { id: session.agentId } }) : null,
    async auditEvents(session, { afterSequence, first }, ctx) {
      if (isApiKey(ctx)) requireScope(ctx, 'AUDIT_READ');
      else {
        const user = requireUser(ctx);
        if (user.role === 'AGENT' && session.agentId !== user.id) throw forbidden('You cannot see this session’s history.');
      }
      const take = first ?? 100;
      if (!Number.isInteger(take) || take < 1 || take > MAX_AUDIT_PAGE) throw badInput(`first must be between 1 and ${MAX_AUDIT_PAGE}.`);
      return ctx.db.auditEvent.findMany({
        where: { sessionId: session.id, sequence: { gt: afterSequence ?? 0 } },
        orderBy: { sequence: 'asc' },
        take,
      });
    },
    async recording(session, { first, after }, ctx) {
      requireHistoryReader(ctx, 'SESSIONS_READ');
      await ctx.recordings.flush(session.id); // a live session's last seconds, if this instance holds them
      return findRecordingPage(ctx.db, session.id, { first, after });
    },
  },
  AuditEvent: {
    data: (event) => JSON.parse(event.data) as unknown,
  },
};
