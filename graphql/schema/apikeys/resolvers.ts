import { API_KEY_SCOPES, apiKeyProblem, createApiKey, listApiKeys, revokeApiKey, scopesOf } from '../../../server/auth/api-keys.ts';
import { announceRevocation } from '../../../server/auth/revocations.ts';
import { requireUser } from '../../authorize.ts';
import { idPage } from '../../pagination.ts';
import { badInput, notFound } from '../../../server/core/errors.ts';
import type { Resolvers } from '../../generated/resolvers-types.ts';

const MAX_KEYS_PAGE = 200;

/** A DateTime argument as a Date; the scalar passes client strings through unchecked. */
function expiryOf(value: Date | string | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw badInput('expiresAt must be an ISO-8601 date-time such as 2027-01-31T00:00:00Z.');
  return date;
}

export const apiKeysResolvers: Resolvers = {
  Query: {
    apiKeys: (_parent, { first, after }, ctx) => {
      requireUser(ctx, 'ADMIN');
      return listApiKeys(ctx.db, idPage({ first, after }, 100, MAX_KEYS_PAGE));
    },
  },
  Mutation: {
    async createApiKey(_parent, { name, scopes, expiresAt, requestsPerMinute }, ctx) {
      const admin = requireUser(ctx, 'ADMIN');
      const input = {
        name,
        scopes: scopes ?? [...API_KEY_SCOPES],
        expiresAt: expiryOf(expiresAt),
        requestsPerMinute: requestsPerMinute ?? null,
      };
      const problem = apiKeyProblem(input);
      if (problem) throw badInput(problem);
      const { key, row } = await createApiKey(ctx.db, input, admin.id);
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
  ApiKey: {
    scopes: (key) => scopesOf(key),
  },
};
