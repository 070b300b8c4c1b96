import type { CodegenConfig } from '@graphql-codegen/cli';

const schema = 'graphql/schema/**/*.graphql';

/** Client types as the pages and tests receive them over the wire. */
export const clientScalars = { JSON: 'unknown', DateTime: 'string' };

const config: CodegenConfig = {
  schema,
  generates: {
    // Resolver types generated from the SDL files; resolvers return Prisma rows (mappers).
    'graphql/generated/resolvers-types.ts': {
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        useIndexSignature: true,
        contextType: '../context.ts#GraphQLContext',
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: { JSON: 'unknown', DateTime: 'Date | string' },
        mappers: {
          User: '../../server/core/db/index.ts#UserRow',
          Session: '../../server/core/db/index.ts#SessionRow',
          AuditEvent: '../../server/core/db/index.ts#AuditEventRow',
          Chat: '../../server/chat/chat-rows.ts#ChatRow',
          ChatMessage: '../../server/chat/chat-rows.ts#ChatMessageRow',
          ApiKey: '../../server/auth/api-keys.ts#ApiKeyRow',
        },
      },
    },
    // Typed operations for the pages and tests: each `graphql(`…`)` call in the documents below
    // returns a TypedDocumentNode whose result and variables types come from the schema. The
    // documents are parsed at run time by graphql-tag (documentMode).
    'graphql/generated/client/': {
      documents: ['app/**/*.{ts,tsx}', 'test/support/**/*.ts', '!app/**/*.test.*'],
      preset: 'client',
      presetConfig: { fragmentMasking: false, gqlTagName: 'graphql' },
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        documentMode: 'graphQLTag',
        scalars: clientScalars,
      },
    },
  },
};

export default config;
