import type { InvitationPrompt } from '../../../protocol/invitations.ts';
import { AppError, ErrorCode, forbidden, notFound } from '../../../server/core/errors.ts';
import { subscribeToTopics, topics } from '../../../server/core/pubsub/index.ts';
import {
  declineInvitation,
  findInvitation,
  inviteCustomer,
  mayInvite,
  pendingPrompts,
  provenKeys,
  reachableSites,
  type InvitationChange,
} from '../../../server/invitations/invitations.ts';
import { reachableTopicKey } from '../../../server/invitations/reachable-customers.ts';
import { joinInvitedSession } from '../../../server/sessions/join-session.ts';
import { isAllowedOrigin } from '../../../server/settings/allowed-origins.ts';
import { areInvitationsEnabled } from '../../../server/settings/invitations-setting.ts';
import { isApiKey, requireScope, requireUser } from '../../authorize.ts';
import type { GraphQLContext } from '../../context.ts';
import type { Resolvers } from '../../generated/resolvers-types.ts';

const MAX_LISTED = 100;

/** The customer's page must be on this server's own site or an allowed one, as for starting a session. */
async function customerOrigin(ctx: GraphQLContext): Promise<string> {
  const origin = ctx.requestOrigin;
  if (!origin || (origin !== ctx.selfOrigin && !(await isAllowedOrigin(ctx, origin))))
    throw new AppError(ErrorCode.ORIGIN_NOT_ALLOWED, 'Co-browse requests reach only pages on an allowed site.');
  return origin;
}

export const invitationsResolvers: Resolvers = {
  Query: {
    async invitationsAllowed(_parent, _args, ctx) {
      const user = requireUser(ctx, 'AGENT', 'SUPERVISOR', 'ADMIN');
      return mayInvite(ctx, user);
    },
    async reachableCustomer(_parent, { email, accountId }, ctx) {
      const sites = await reachableSites(ctx, requireUser(ctx, 'AGENT', 'SUPERVISOR'), { email, accountId });
      return { online: sites.length > 0, sites };
    },
    async invitations(_parent, { first }, ctx) {
      if (isApiKey(ctx)) requireScope(ctx, 'AUDIT_READ');
      else requireUser(ctx, 'SUPERVISOR', 'ADMIN');
      const rows = await ctx.db.invitation.findMany({
        orderBy: { createdAt: 'desc' },
        take: Math.min(Math.max(first ?? 50, 1), MAX_LISTED),
      });
      const names = await ctx.db.user.findMany({ where: { id: { in: rows.map((row) => row.agentId) } }, select: { id: true, name: true } });
      return rows.map((row) => ({
        ...row,
        status: row.status as never,
        agentName: names.find((user) => user.id === row.agentId)?.name ?? '',
        site: row.origin,
      }));
    },
  },
  Mutation: {
    inviteCustomer: async (_parent, { input }, ctx) => {
      const view = await inviteCustomer(ctx, requireUser(ctx, 'AGENT', 'SUPERVISOR'), input);
      return { ...view, site: view.origin };
    },
    async declineInvitation(_parent, { invitationId, identityToken }, ctx) {
      const view = await declineInvitation(ctx, { invitationId, identityToken, origin: ctx.requestOrigin });
      return { ...view, site: view.origin };
    },
    joinInvitedSession: (_parent, { sessionId }, ctx) => joinInvitedSession(ctx, requireUser(ctx, 'AGENT', 'SUPERVISOR'), sessionId),
  },
  Subscription: {
    invitationPrompts: {
      async subscribe(_root, { identityToken }, ctx) {
        if (!(await areInvitationsEnabled(ctx.db)))
          throw new AppError(ErrorCode.INVITATIONS_DISABLED, 'Requests to co-browse are turned off for this site.');
        const origin = await customerOrigin(ctx);
        const keys = await provenKeys(ctx.db, identityToken, origin);
        const release = ctx.reachable.add(origin, keys);
        const iterator = await subscribeToTopics<InvitationPrompt>(
          ctx.pubsub,
          keys.map((key) => topics.toReachable(reachableTopicKey(origin, key))),
          {
            initial: () => pendingPrompts(ctx.db, origin, keys),
            maxQueuedBytes: 64 * 1024,
            onFinish: release,
          },
        ).catch((error: unknown) => {
          release();
          throw error;
        });
        // Reachable no longer than the signed identity lasts: the page signs a fresh one to stay so.
        const exp = JSON.parse(Buffer.from(identityToken.split('.')[1]!, 'base64url').toString('utf8')) as { exp: number };
        const timer = setTimeout(() => void iterator.return?.(), Math.max(0, exp.exp * 1000 - Date.now()));
        timer.unref();
        const finish = iterator.return?.bind(iterator);
        iterator.return = (value?: unknown) => {
          clearTimeout(timer);
          return finish ? finish(value) : Promise.resolve({ done: true, value: undefined });
        };
        return iterator;
      },
      resolve: (prompt: InvitationPrompt) => prompt,
    },
    invitationUpdates: {
      async subscribe(_root, { invitationId }, ctx) {
        const user = requireUser(ctx, 'AGENT', 'SUPERVISOR');
        const found = await findInvitation(ctx.db, invitationId);
        if (!found) throw notFound('No such request to co-browse.');
        if (found.agentId !== user.id) throw forbidden('Only the agent who asked can follow this request.');
        return subscribeToTopics<InvitationChange>(ctx.pubsub, [topics.invitation(invitationId)], {
          initial: async () => [{ invitationId }],
          isLast: () => false,
        });
      },
      async resolve(change: InvitationChange, _args: unknown, ctx: GraphQLContext) {
        const view = await findInvitation(ctx.db, change.invitationId);
        return { ...view!, site: view!.origin };
      },
    },
  },
};
