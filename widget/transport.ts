import { createClient, type Client } from 'graphql-ws';
import { MAX_RECONNECT_DELAY_MS } from '../protocol/limits.ts';

/** The path of GraphQL over HTTP and over WebSocket on the co-browse server. */
export const GRAPHQL_PATH = '/api/graphql';

/** How often the socket pings, so dead connections are noticed and reconnected. */
export const KEEP_ALIVE_MS = 10_000;

const FIRST_RETRY_DELAY_MS = 250;

/** An error with the server's stable `extensions.code` (or NETWORK when the server was not reached). */
export interface CobrowseError extends Error {
  code: string;
}

interface GraphQLResult<T> {
  data?: T | null;
  errors?: readonly { message: string; extensions?: { code?: unknown } }[];
}

/** Makes an error the UI can show as it is: the server's messages are written for people. */
export function cobrowseError(message: string, code: string): CobrowseError {
  return Object.assign(new Error(message), { code });
}

function unwrap<T>(result: GraphQLResult<T>): T {
  const error = result.errors?.[0];
  if (error || !result.data)
    throw cobrowseError(
      error?.message ?? 'The co-browse service sent no answer.',
      String(error?.extensions?.code ?? 'INTERNAL_SERVER_ERROR'),
    );
  return result.data;
}

/**
 * One GraphQL operation over HTTP (used to start a session, before any socket exists, and to
 * exit when the socket is down). The customer token, when given, identifies the session's owner.
 */
export async function postGraphQL<T>(serverOrigin: string, query: string, variables: object, customerToken?: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(serverOrigin + GRAPHQL_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(customerToken && { 'x-cobrowse-customer-token': customerToken }) },
      body: JSON.stringify({ query, variables }),
    });
  } catch {
    throw cobrowseError('Could not reach the co-browse service. Check your connection and try again.', 'NETWORK');
  }
  let result: GraphQLResult<T>;
  try {
    result = (await response.json()) as GraphQLResult<T>;
  } catch {
    throw cobrowseError(`The co-browse service answered ${response.status}. Please try again later.`, 'NETWORK');
  }
  return unwrap(result);
}

/** What the session wants to hear about the socket. */
export interface SocketListeners {
  /** The socket is (again) connected and acknowledged. */
  connected: () => void;
  /** The socket closed; it is retried for ever, with capped exponential backoff. */
  closed: () => void;
}

/**
 * Opens the session's socket at once (not lazily) and keeps it open across server restarts and
 * network drops; active subscriptions are re-sent by graphql-ws after every reconnect.
 */
export function openSocket(serverOrigin: string, customerToken: string, listeners: SocketListeners): Client {
  const client = createClient({
    url: serverOrigin.replace(/^http/, 'ws') + GRAPHQL_PATH,
    connectionParams: () => ({ customerToken }),
    lazy: false,
    keepAlive: KEEP_ALIVE_MS,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    // Jittered so that many widgets do not reconnect in step after a server restart.
    retryWait: (retries) =>
      new Promise((resolve) =>
        setTimeout(resolve, Math.min(MAX_RECONNECT_DELAY_MS, FIRST_RETRY_DELAY_MS * 2 ** retries) * (0.5 + Math.random() / 2)),
      ),
  });
  client.on('connected', listeners.connected);
  client.on('closed', listeners.closed);
  return client;
}

/** Runs one query or mutation over the socket and resolves with its data. */
export function execute<T>(client: Client, query: string, variables: Record<string, unknown>): Promise<T> {
  return new Promise((resolve, reject) => {
    let result: GraphQLResult<T> = {};
    client.subscribe<T>(
      { query, variables },
      {
        next: (value) => (result = value as GraphQLResult<T>),
        error: (error) => reject(Array.isArray(error) ? cobrowseError(error[0]?.message, String(error[0]?.extensions?.code)) : error),
        complete: () => {
          try {
            resolve(unwrap(result));
          } catch (error) {
            reject(error);
          }
        },
      },
    );
  });
}
