import { announceRevocation } from '../../../server/auth/revocations.ts';
import { hashToken } from '../../../server/auth/tokens.ts';
import { createUser, listUsers, resetPassword, setUserRole } from '../../../server/users/users.ts';
import { requireUser } from '../../authorize.ts';
import { idPage } from '../../pagination.ts';
import type { Resolvers } from '../../generated/resolvers-types.ts';

export const usersResolvers: Resolvers = {
  Query: {
    users(_parent, { first, after }, ctx) {
      requireUser(ctx, 'ADMIN');
      return listUsers(ctx.db, idPage({ first, after }, 200, 500));
    },
  },
  Mutation: {
    createUser(_parent, { input }, ctx) {
      requireUser(ctx, 'ADMIN');
      return createUser(ctx.db, input);
    },
    async resetPassword(_parent, { userId, password }, ctx) {
      requireUser(ctx, 'ADMIN');
      const keep = ctx.viewer.authToken;
      const user = await resetPassword(ctx.db, userId, password, keep);
      // Open sockets of the user's other browsers were admitted with sign-ins that just ended.
      await announceRevocation(ctx.pubsub, { kind: 'password-reset', userId, ...(keep && { keepAuthTokenHash: hashToken(keep) }) });
      return user;
    },
    async setUserRole(_parent, { userId, role }, ctx) {
      requireUser(ctx, 'ADMIN');
      const user = await setUserRole(ctx.db, userId, role);
      await announceRevocation(ctx.pubsub, { kind: 'role-changed', userId });
      return user;
    },
  },
};
