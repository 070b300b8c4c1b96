import { authCookie, createAuthSession, deleteAuthSession } from '../../../server/auth/auth-sessions.ts';
import { verifyPassword } from '../../../server/auth/passwords.ts';
import { badInput, unauthenticated } from '../../errors.ts';
import type { Resolvers } from '../../generated/resolvers-types.ts';

const MAX_CREDENTIAL_LENGTH = 256;

export const authResolvers: Resolvers = {
  Query: {
    me: (_parent, _args, ctx) => ctx.viewer.user,
  },
  Mutation: {
    async signIn(_parent, { email, password }, ctx) {
      if (email.length > MAX_CREDENTIAL_LENGTH || password.length > MAX_CREDENTIAL_LENGTH) throw badInput('Email or password is too long.');
      const user = await ctx.db.user.findUnique({ where: { email: email.trim().toLowerCase() } });
      if (!user || !(await verifyPassword(password, user.passwordHash))) throw unauthenticated('Wrong email or password.');
      const token = await createAuthSession(ctx.db, user.id);
      ctx.setCookie(authCookie(token, ctx.selfOrigin.startsWith('https:')));
      return user;
    },
    async signOut(_parent, _args, ctx) {
      await deleteAuthSession(ctx.db, ctx.viewer.authToken);
      ctx.setCookie(authCookie(null, ctx.selfOrigin.startsWith('https:')));
      return true;
    },
  },
};
