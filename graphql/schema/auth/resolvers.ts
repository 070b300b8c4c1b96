import { authCookie, createAuthSession, deleteAuthSession, embedAuthCookie } from '../../../server/auth/auth-sessions.ts';
import { ErrorCode } from '../../../server/core/errors.ts';
import { graphQLError } from '../../errors.ts';
import { announceRevocation } from '../../../server/auth/revocations.ts';
import { signInWithPassword } from '../../../server/auth/sign-in.ts';
import { hashToken } from '../../../server/auth/tokens.ts';
import { asOwnUser, requireStaff } from '../../authorize.ts';
import type { Resolvers } from '../../generated/resolvers-types.ts';

export const authResolvers: Resolvers = {
  Query: {
    me: (_parent, _args, ctx) => ctx.viewer.user,
    async demoAccounts(_parent, _args, ctx) {
      const users = await ctx.db.user.findMany({ where: { isDemo: true }, select: { email: true }, orderBy: { email: 'asc' } });
      return users.map((user) => user.email);
    },
  },
  Mutation: {
    async signIn(_parent, { email, password, embedded }, ctx) {
      // The embedded view's cookie is for this server's own framed page, never for another site's script.
      if (embedded && ctx.requestOrigin !== ctx.selfOrigin)
        throw graphQLError(ErrorCode.FORBIDDEN, 'Embedded sign-in is only for the agent view served by this server.');
      const user = await signInWithPassword(ctx, { email, password, clientAddress: ctx.clientAddress });
      const token = await createAuthSession(ctx.db, user.id);
      ctx.setCookie(embedded ? embedAuthCookie(token) : authCookie(token, ctx.config.cookieSecure));
      return asOwnUser(user);
    },
    async signOut(_parent, _args, ctx) {
      const token = ctx.viewer.authToken;
      await deleteAuthSession(ctx.db, token);
      if (token) await announceRevocation(ctx.pubsub, { kind: 'signed-out', authTokenHash: hashToken(token) });
      ctx.setCookie(authCookie(null, ctx.config.cookieSecure));
      ctx.setCookie(embedAuthCookie(null));
      return true;
    },
  },
  User: {
    id: (user, _args, ctx) => (requireStaff(ctx, user, 'User.id'), user.id),
    email: (user, _args, ctx) => (requireStaff(ctx, user, 'User.email'), user.email),
    role: (user, _args, ctx) => (requireStaff(ctx, user, 'User.role'), user.role),
  },
};
