import { createUser, listUsers, resetPassword, setUserRole } from '../../../server/users/users.ts';
import { requireUser } from '../../authorize.ts';
import type { Resolvers } from '../../generated/resolvers-types.ts';

export const usersResolvers: Resolvers = {
  Query: {
    users(_parent, _args, ctx) {
      requireUser(ctx, 'ADMIN');
      return listUsers(ctx.db);
    },
  },
  Mutation: {
    createUser(_parent, { input }, ctx) {
      requireUser(ctx, 'ADMIN');
      return createUser(ctx.db, input);
    },
    resetPassword(_parent, { userId, password }, ctx) {
      requireUser(ctx, 'ADMIN');
      return resetPassword(ctx.db, userId, password, ctx.viewer.authToken);
    },
    setUserRole(_parent, { userId, role }, ctx) {
      requireUser(ctx, 'ADMIN');
      return setUserRole(ctx.db, userId, role);
    },
  },
};
