import type { Server } from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type ErrorRequestHandler, type RequestHandler, type Router } from 'express';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { MAX_BATCH_BYTES } from '../../protocol/index.ts';
import { requestSource, signInToken } from '../auth/embed-cookie.ts';
import { bearerKey, resolveViewer, type AppDeps, type GraphQLContext } from '../../graphql/context.ts';
import { allowedSitesCors } from './allowed-sites-cors.ts';
import { clientAddressOf } from './request-address.ts';
import { AppError, ErrorCode } from '../core/errors.ts';
import { formatError, readOnlyKeyError, toGraphQLError } from '../../graphql/errors.ts';
import {
  costLimitError,
  isQueryTooLong,
  limitErrorOf,
  queryLimitRules,
  queryParseOptions,
  queryTooLarge,
  responseTooLarge,
} from '../../graphql/query-limits.ts';
import { chargeApiKey } from '../auth/api-keys.ts';

/** POST /api/graphql with Apollo Server; CORS lets widgets on allowed sites start sessions. */
export async function createGraphQLHttpRouter(
  schema: GraphQLSchema,
  deps: AppDeps,
  httpServer: Server,
): Promise<{ router: Router; stop: () => Promise<void> }> {
  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // No cache hints are used, and the built-in cache-control plugin would wrap every resolver of
      // the schema — which graphql-ws shares — costing each relayed event batch a plugin call.
      ApolloServerPluginCacheControlDisabled(),
      readOnlyApiKeys,
      subscriptionsOverWebSocketOnly,
      costOfCoercedVariables,
      responseSizeCap(deps.config.graphqlMaxResponseBytes),
    ],
    // GET queries need a header a browser cannot send cross-site without a CORS preflight; an API
    // key's Authorization header is one, so `curl -H 'Authorization: Bearer …' '…?query=…'` works.
    csrfPrevention: { requestHeaders: ['x-apollo-operation-name', 'apollo-require-preflight', 'authorization'] },
    // `extensions.http` only sets the response status; clients need not see it.
    formatError: (formatted, error) => {
      const limited = error instanceof GraphQLError ? limitErrorOf(error) : null;
      const shown = limited ? limited.toJSON() : error instanceof GraphQLError ? formatError(error).toJSON() : formatted;
      const { http: _http, ...extensions } = shown.extensions ?? {};
      return { ...shown, extensions };
    },
    includeStacktraceInErrorResponses: false,
    // server/main.ts stops everything in order on SIGTERM; Apollo's own handler would re-send the
    // signal after stopping itself, and the second signal reads as "stop now" (exit code 1).
    stopOnTerminationSignals: false,
    introspection: true, // docs/api.md: third parties discover the schema (Apollo would turn it off in production)
    // The same document limits as the WebSocket's document cache (graphql/query-limits.ts).
    parseOptions: queryParseOptions,
    validationRules: queryLimitRules(),
  });
  await apollo.start();

  const router = express.Router();
  router.use(
    '/api/graphql',
    allowedSitesCors(deps, ['content-type', 'x-cobrowse-customer-token', 'apollo-require-preflight']),
    express.json({ limit: MAX_BATCH_BYTES }),
    rejectLongQuery,
    expressMiddleware(apollo, {
      async context({ req, res }): Promise<GraphQLContext> {
        const token = req.headers['x-cobrowse-customer-token'];
        const viewer = await resolveViewer(deps.db, {
          authToken: signInToken(requestSource(req), deps.config.publicOrigin),
          customerToken: typeof token === 'string' ? token : undefined,
          apiKey: bearerKey(req.headers.authorization),
        });
        await chargeApiKey(deps, viewer).catch((error: unknown) => {
          throw error instanceof AppError ? toGraphQLError(error) : error;
        });
        return {
          ...deps,
          viewer,
          clientAddress: clientAddressOf(req, deps.config.trustProxyHops),
          requestOrigin: req.headers.origin ?? null,
          selfOrigin: deps.config.publicOrigin,
          setCookie: (value) => res.append('Set-Cookie', value),
          transport: 'http',
          memo: new Map(),
        };
      },
    }),
  );
  router.use('/api/graphql', rejectUnreadableBody);
  return { router, stop: () => apollo.stop() };
}

/** A request made with an API key may only read (mutations get 403, whatever they would do). */
const readOnlyApiKeys: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ contextValue, operation }) {
        if (contextValue.viewer.apiKeyId && operation?.operation !== 'query') throw readOnlyKeyError();
      },
    };
  },
};

/** The document's cost with the variables it came with (validation cannot see them). */
const costOfCoercedVariables: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ request, document, operationName, schema }) {
        const refused = costLimitError(schema, document, operationName ?? request.operationName, request.variables);
        if (refused) throw refused;
      },
    };
  },
};

/** An answer over `maxBytes` of JSON is replaced by RESPONSE_TOO_LARGE (HTTP 413). */
function responseSizeCap(maxBytes: number): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single' || Buffer.byteLength(JSON.stringify(response.body.singleResult)) <= maxBytes) return;
          const { message, extensions } = responseTooLarge(maxBytes);
          const { http: _http, ...shown } = extensions;
          response.body.singleResult = { errors: [{ message, extensions: shown }] };
          response.http.status = 413;
        },
      };
    },
  };
}

/**
 * Subscriptions are served over WebSocket only. Over HTTP Apollo would run one as a query: its
 * `subscribe` (where the access check lives) never runs and the answer is a server error.
 */
const subscriptionsOverWebSocketOnly: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation }) {
        if (operation?.operation === 'subscription')
          throw new GraphQLError('Subscriptions are served over WebSocket (graphql-ws) at this address.', {
            extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
          });
      },
    };
  },
};

/** A query text over the size limit is refused before Apollo parses it (POST body or GET query string). */
const rejectLongQuery: RequestHandler = (req, res, next) => {
  const body: unknown = req.body;
  const posted = body && typeof body === 'object' && 'query' in body ? body.query : undefined;
  if (!isQueryTooLong(posted) && !isQueryTooLong(req.query.query)) return next();
  const { http: _http, ...extensions } = queryTooLarge().extensions;
  res.status(413).json({ errors: [{ message: queryTooLarge().message, extensions }] });
};

/** A body that is not JSON, or too large, gets a GraphQL-shaped error instead of a stack trace. */
const rejectUnreadableBody: ErrorRequestHandler = (error: { status?: number; type?: string }, _req, res, next) => {
  if (res.headersSent) return next(error);
  const tooLarge = error.type === 'entity.too.large';
  res.status(error.status ?? 400).json({
    errors: [
      tooLarge
        ? { message: 'The request is too large.', extensions: { code: ErrorCode.QUERY_TOO_LARGE } }
        : { message: 'The request body is not valid JSON.', extensions: { code: 'BAD_REQUEST' } },
    ],
  });
};
