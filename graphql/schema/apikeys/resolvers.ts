import { apiKeyNameProblem, createApiKey, listApiKeys, revokeApiKey } from '../../../server/auth/api-keys.ts';
import { announceRevocation } from '../../../server/auth/revocations.ts';
import { requireUser } from '../../authorize.ts';
import { badInput, notFound } from '../../../server/core/errors.ts';
import type { Resolvers } from '../../generated/resolvers-types.ts';

export const apiKeysResolvers: Resolvers = {
  Query: {
    apiKeys: (_parent, _args, ctx) => {
      requireUser(ctx, 'ADMIN');
      return listApiKeys(ctx.db);
    },
  },
  Mutation: {
    async createApiKey(_parent, { name }, ctx) {
      const admin = requireUser(ctx, 'ADMIN');
      const problem = apiKeyNameProblem(name);
      if (problem) throw badInput(problem);
      const { key, row } = await createApiKey(ctx.db, name, admin.id);
      return { key, apiKey: row };
    },
    async revokeApiKey(_parent, { id }, ctx) {
      requireUser(ctx, 'ADMIN');
      const key = await revokeApiKey(ctx.db, id);
      if (!key) throw notFound('No such API key.');
      await announceRevocation(ctx.pubsub, { kind: 'api-key-revoked', apiKeyId: key.id });
      return key;
    },
  },
};
