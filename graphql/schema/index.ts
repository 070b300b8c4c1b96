import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { mapDomainErrors } from '../errors.ts';
import { domainTypeDefs } from '../generated/type-defs.ts';
import { apiKeysResolvers } from './apikeys/resolvers.ts';
import { authResolvers } from './auth/resolvers.ts';
import { chatResolvers } from './chat/resolvers.ts';
import { commonResolvers } from './common/resolvers.ts';
import { handoverResolvers } from './handover/resolvers.ts';
import { invitationsResolvers } from './invitations/resolvers.ts';
import { sessionResolvers } from './session/resolvers.ts';
import { settingsResolvers } from './settings/resolvers.ts';
import { streamResolvers } from './stream/resolvers.ts';
import { supervisionResolvers } from './supervision/resolvers.ts';
import { usersResolvers } from './users/resolvers.ts';
import { webhooksResolvers } from './webhooks/resolvers.ts';
import { writeResolvers } from './write/resolvers.ts';
import { guidedResolvers } from './guided/resolvers.ts';

const DOMAINS = [
  'common',
  'auth',
  'session',
  'stream',
  'write',
  'guided',
  'settings',
  'capabilities',
  'supervision',
  'users',
  'apikeys',
  'chat',
  'webhooks',
  'handover',
  'invitations',
] as const;

// The SDL files' texts come from a generated module: the bundled server has no files to read them from.
const typeDefs = DOMAINS.map((domain) => domainTypeDefs[domain]);

/** The one schema served over HTTP and WebSocket alike; resolvers report domain errors by code. */
export function buildSchema(): GraphQLSchema {
  return mapDomainErrors(
    makeExecutableSchema({
      typeDefs,
      resolvers: [
        commonResolvers,
        authResolvers,
        sessionResolvers,
        streamResolvers,
        writeResolvers,
        guidedResolvers,
        settingsResolvers,
        supervisionResolvers,
        usersResolvers,
        apiKeysResolvers,
        chatResolvers,
        webhooksResolvers,
        handoverResolvers,
        invitationsResolvers,
      ] as never,
    }),
  );
}
