'use client';

import { Client, fetchExchange, subscriptionExchange } from 'urql';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';

export const GRAPHQL_PATH = '/api/graphql';

/** Whether the WebSocket is up; `null` until it has connected or closed once. */
export interface ConnectionState {
  get(): boolean | null;
  subscribe(listener: () => void): () => void;
}

/** The page's GraphQL clients: urql over HTTP for queries/mutations, graphql-ws for the stream. */
export interface GraphQLClients {
  urql: Client;
  ws: WsClient;
  connection: ConnectionState;
}

function connectionState(): ConnectionState & { set(value: boolean): void } {
  let connected: boolean | null = null;
  const listeners = new Set<() => void>();
  return {
    get: () => connected,
    set(value) {
      connected = value;
      for (const listener of listeners) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** One pair per browser tab (see GraphQLProvider); the WebSocket carries the sign-in cookie (same origin) and reconnects itself. */
export function createGraphQLClients(): GraphQLClients {
  const connection = connectionState();
  const ws = createWsClient({
    // A function, and lazy: pages also render on the server, where there is no location.
    url: () => `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${GRAPHQL_PATH}`,
    lazy: true,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(5000, 250 * 2 ** retries))),
    keepAlive: 10_000,
    on: {
      connected: () => connection.set(true),
      closed: () => connection.set(false),
    },
  });
  const urql = new Client({
    url: GRAPHQL_PATH,
    // Apollo's CSRF guard refuses simple GET requests; POST with JSON always passes.
    preferGetMethod: false,
    requestPolicy: 'network-only',
    exchanges: [
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({ unsubscribe: ws.subscribe({ ...request, query: request.query ?? '' }, sink) }),
        }),
      }),
    ],
  });
  return { urql, ws, connection };
}

/** The user-facing message and code of a failed urql operation. */
export function describeError(
  error: { graphQLErrors?: { message: string; extensions?: Record<string, unknown> }[]; networkError?: Error; message: string } | undefined,
): { message: string; code: string } | null {
  if (!error) return null;
  const first = error.graphQLErrors?.[0];
  if (first) return { message: first.message, code: String(first.extensions?.code ?? 'UNKNOWN') };
  return { message: error.networkError ? 'Cannot reach the server. Check your connection.' : error.message, code: 'NETWORK' };
}
