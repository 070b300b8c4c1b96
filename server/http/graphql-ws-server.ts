import type { IncomingMessage } from 'node:http';
import { getOperationAST, GraphQLError, type DocumentNode, type GraphQLSchema } from 'graphql';
import { CloseCode } from 'graphql-ws';
import type { WebSocketServer } from 'ws';
import { MAX_BATCH_BYTES } from '../../protocol/index.ts';
import { requestSource, signInToken } from '../auth/embed-cookie.ts';
import { bearerKey, resolveViewer, type AppDeps, type GraphQLContext } from '../../graphql/context.ts';
import { NOBODY, type Viewer } from '../auth/viewer.ts';
import { clientAddressOf } from './request-address.ts';
import { createDocumentCache } from '../../graphql/document-cache.ts';
import { createCompiledExecution } from '../../graphql/compiled-execution.ts';
import { formatError, readOnlyKeyError, toGraphQLError } from '../../graphql/errors.ts';
import { AppError } from '../core/errors.ts';
import { chargeApiKey } from '../auth/api-keys.ts';
import { costLimitError, responseTooLarge } from '../../graphql/query-limits.ts';
import { createSocketRights } from '../auth/socket-registry.ts';
import { startCustomerPresence } from '../sessions/presence-service.ts';
import { createBatchUploads } from './batch-uploads.ts';
import { serveGraphQLWs, type SocketExtra } from './graphql-ws-adapter.ts';
import { directResults, serializedStreamResult } from './serialized-frames.ts';
import {
  closeSlowSocket,
  closeSlowSockets,
  createSubscriptionCounter,
  isSlowConsumerError,
  limitSocketsPerAddress,
  limitSocketsPerCustomer,
} from './socket-limits.ts';

interface ConnectionState {
  viewer: Viewer;
  /** One context per connection: its caller, address and memo do not change between operations. */
  context: GraphQLContext;
  /** Rights taken away since the socket connected; made once, not for each of 30 uploads a second. */
  recheck: () => Promise<AppError | null>;
}

/** Room for a full snapshot batch plus the GraphQL envelope around it. */
export const MAX_WS_PAYLOAD_BYTES = MAX_BATCH_BYTES + 64 * 1024;

const formatAll = (errors: readonly GraphQLError[]) => errors.map((error) => formatError(error).toJSON());

/**
 * GraphQL over WebSocket (graphql-ws) with the same schema, context and authorization as HTTP.
 * The caller is resolved once per connection: the customer token from connectionParams, the
 * sign-in cookie only when the page is our own origin (no cross-site socket hijacking).
 */
export function serveGraphQLOverWebSocket(wss: WebSocketServer, schema: GraphQLSchema, deps: AppDeps) {
  const documentFor = createDocumentCache(schema);
  const { execute, subscribe } = createCompiledExecution(schema);
  const presence = startCustomerPresence(deps); // the customer's page connected or gone, and the gone-timeout
  const subscriptions = createSubscriptionCounter(deps.config);
  limitSocketsPerAddress(wss, deps.config);
  const customerSockets = limitSocketsPerCustomer(deps.config);
  const stopClosingSlowSockets = closeSlowSockets(wss, deps.config);
  const rights = createSocketRights(deps); // sign-out, reset, role change, revoked key and expiry reach open sockets
  wss.once('close', () => void rights.close());
  const contextFor = (request: IncomingMessage, viewer: Viewer): GraphQLContext => ({
    ...deps,
    viewer,
    clientAddress: clientAddressOf(request, deps.config.trustProxyHops),
    requestOrigin: request.headers.origin ?? null,
    selfOrigin: deps.config.publicOrigin,
    setCookie: () => {
      throw new GraphQLError('Sign in over HTTP; cookies cannot be set on a WebSocket.', { extensions: { code: 'BAD_USER_INPUT' } });
    },
    transport: 'ws',
    memo: new Map(),
  });
  const uploads = createBatchUploads(deps.config);
  const maxResponseBytes = deps.config.graphqlMaxResponseBytes;
  const server = serveGraphQLWs<ConnectionState>(
    wss,
    {
      schema,
      // Signals, batches and stream events repeat many times a second: each document is compiled once.
      execute,
      subscribe,
      async onConnect(ctx) {
        const { request } = ctx.extra;
        const sameOrigin = request.headers.origin === deps.config.publicOrigin;
        const customerToken = ctx.connectionParams?.customerToken;
        let viewer: Viewer;
        try {
          viewer = await resolveViewer(deps.db, {
            authToken: sameOrigin ? signInToken(requestSource(request), deps.config.publicOrigin) : undefined,
            customerToken: typeof customerToken === 'string' ? customerToken : undefined,
            apiKey: bearerKey(ctx.connectionParams?.authorization) ?? bearerKey(request.headers.authorization),
          });
        } catch {
          return false; // a wrong or revoked API key: closed with 4403 Forbidden
        }
        const { socket } = ctx.extra;
        if (viewer.customerSessionId && !customerSockets.admit(socket, viewer.customerSessionId)) return false;
        ctx.extra.state = { viewer, context: contextFor(request, viewer), recheck: () => rights.recheck(socket) };
        await rights.ready;
        rights.track(ctx.extra.socket, viewer);
        if (viewer.customerSessionId) presence.connected(ctx.extra.socket, viewer.customerSessionId);
        return true;
      },
      async onClose(ctx) {
        rights.untrack(ctx.extra.socket);
        presence.disconnected(ctx.extra.socket);
      },
      async onSubscribe(ctx, id, payload) {
        const revoked = await rights.recheck(ctx.extra.socket);
        if (revoked) return [toGraphQLError(revoked)];
        const document = documentFor(payload.query);
        if (Array.isArray(document)) return document as GraphQLError[];
        const operation = getOperationAST(document as DocumentNode, payload.operationName)?.operation;
        const viewer = ctx.extra.state?.viewer;
        if (viewer?.apiKeyId && operation === 'mutation') return [readOnlyKeyError()];
        const costly = costLimitError(schema, document as DocumentNode, payload.operationName, payload.variables);
        if (costly) return [costly];
        if (viewer?.apiKeyId) {
          const overLimit = await chargeApiKey(deps, viewer).then(
            () => null,
            (error: unknown) => (error instanceof AppError ? error : Promise.reject(error)),
          );
          if (overLimit) return [toGraphQLError(overLimit)];
        }
        const refused = operation === 'subscription' ? subscriptions.admit(ctx, id) : null;
        if (refused) return [toGraphQLError(refused)];
        return {
          schema,
          document: document as DocumentNode,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: ctx.extra.state?.context ?? contextFor(ctx.extra.request, NOBODY),
          rootValue: operation === 'subscription' ? directResults(ctx.extra.socket, ctx.extra.write, id) : undefined,
        };
      },
      onComplete: (ctx, id) => subscriptions.release(ctx, id),
      onError: (ctx, _id, _payload, errors) => {
        if (errors.some(isSlowConsumerError)) closeSlowSocket(ctx.extra.socket); // the client reconnects and resyncs
        return formatAll(errors);
      },
      onNext: (_ctx, _id, _payload, args, result) => {
        if (result.errors) return { ...result, errors: formatAll(result.errors) };
        // Subscription events are bounded by the upload limits and sent pre-serialized; answers are capped here.
        if (getOperationAST(args.document, args.operationName)?.operation !== 'subscription') {
          return Buffer.byteLength(JSON.stringify(result)) > maxResponseBytes
            ? { errors: formatAll([responseTooLarge(maxResponseBytes)]) }
            : result;
        }
        return serializedStreamResult(result);
      },
    },
    // The widget's event batches (protocol/uploads.ts), with the connection's caller and rights.
    (extra: SocketExtra<ConnectionState>, data) => uploads.take(extra.socket, extra.write, extra.state, data),
  );
  return {
    dispose: async () => (stopClosingSlowSockets(), uploads.dispose(), await presence.stop(), await server.dispose()),
  };
}

export { CloseCode };
