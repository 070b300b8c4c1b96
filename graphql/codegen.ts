import type { CodegenConfig } from '@graphql-codegen/cli';

// Resolver types generated from the SDL files; resolvers return Prisma rows (mappers).
const config: CodegenConfig = {
  schema: 'graphql/schema/**/*.graphql',
  generates: {
    'graphql/generated/resolvers-types.ts': {
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        useIndexSignature: true,
        contextType: '../context.ts#GraphQLContext',
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: { JSON: 'unknown', DateTime: 'Date | string' },
        mappers: {
          User: '../../server/db/index.ts#UserRow',
          Session: '../../server/db/index.ts#SessionRow',
          AuditEvent: '../../server/db/index.ts#AuditEventRow',
          Chat: '../../server/chat/chat-rows.ts#ChatRow',
          ChatMessage: '../../server/chat/chat-rows.ts#ChatMessageRow',
        },
      },
    },
  },
};

export default config;
