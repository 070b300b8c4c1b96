import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { graphql } from '../../graphql/generated/client/index.ts';
import type { StreamMessage } from '../../protocol/index.ts';
import { waitFor } from './wait-for.ts';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
  setCookie: string | null;
}

export interface CallOptions {
  cookie?: string;
  /** A read-only API key, sent as `Authorization: Bearer …`. */
  apiKey?: string;
  origin?: string;
  customerToken?: string;
}

/** A document as text: the typed ones (`graphql()` from graphql/generated/client) are printed. */
const documentText = (query: string | TypedDocumentNode<unknown, never>) => (typeof query === 'string' ? query : print(query));

/** One GraphQL request over HTTP, as a browser would send it; a typed document types the answer and the variables. */
export async function gql<T, V extends Record<string, unknown>>(
  baseUrl: string,
  query: TypedDocumentNode<T, V>,
  variables: V,
  options?: CallOptions,
): Promise<GraphQLResponse<T>>;
export async function gql<T = Record<string, unknown>>(
  baseUrl: string,
  query: string,
  variables?: Record<string, unknown>,
  options?: CallOptions,
): Promise<GraphQLResponse<T>>;
export async function gql<T>(
  baseUrl: string,
  query: string | TypedDocumentNode<T, never>,
  variables: Record<string, unknown> = {},
  options: CallOptions = {},
): Promise<GraphQLResponse<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.cookie) headers.cookie = options.cookie;
  if (options.origin) headers.origin = options.origin;
  if (options.customerToken) headers['x-cobrowse-customer-token'] = options.customerToken;
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  const response = await fetch(`${baseUrl}/api/graphql`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query: documentText(query as TypedDocumentNode<unknown, never>), variables }),
  });
  const body = (await response.json()) as Omit<GraphQLResponse<T>, 'status' | 'setCookie'>;
  return { status: response.status, ...body, setCookie: response.headers.get('set-cookie') };
}

/** The first error code of a response, for terse assertions. */
export const errorCode = (response: GraphQLResponse<unknown>) => response.errors?.[0]?.extensions?.code;

const SIGN_IN = graphql(`
  mutation TestSignIn($email: String!, $password: String!) {
    signIn(email: $email, password: $password) {
      id
    }
  }
`);

const START_SESSION = graphql(`
  mutation TestStartSession($input: StartSessionInput!) {
    startSession(input: $input) {
      customerToken
      session {
        id
        code
      }
    }
  }
`);

/** Signs in a seeded user and returns the cookie to send with later calls. */
export async function signIn(baseUrl: string, email: string, password = 'cobrowse-demo'): Promise<string> {
  const response = await gql(baseUrl, SIGN_IN, { email, password });
  if (!response.setCookie) throw new Error(`sign-in failed: ${JSON.stringify(response.errors)}`);
  return response.setCookie.split(';')[0] as string;
}

export interface StartedSession {
  id: string;
  code: string;
  customerToken: string;
}

/** Starts a session as the widget on the server's own (demo) origin would. */
export async function startCustomerSession(baseUrl: string): Promise<StartedSession> {
  const response = await gql(
    baseUrl,
    START_SESSION,
    { input: { url: `${baseUrl}/demo`, viewportWidth: 1280, viewportHeight: 800 } },
    { origin: baseUrl },
  );
  if (!response.data) throw new Error(`start failed: ${JSON.stringify(response.errors)}`);
  return { ...response.data.startSession.session, customerToken: response.data.startSession.customerToken };
}

/** A graphql-ws client that sends browser-like headers (Origin, Cookie) with the upgrade. */
export function wsClient(
  baseUrl: string,
  options: { cookie?: string; customerToken?: string; origin?: string; apiKey?: string } = {},
): Client {
  const headers: Record<string, string> = { origin: options.origin ?? baseUrl };
  if (options.cookie) headers.cookie = options.cookie;
  class HeaderWebSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers });
    }
  }
  return createClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/api/graphql`,
    webSocketImpl: HeaderWebSocket,
    connectionParams: {
      ...(options.customerToken ? { customerToken: options.customerToken } : {}),
      ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
    },
    retryAttempts: 0,
    lazy: true,
  });
}

/** Runs one operation over a graphql-ws client and resolves with its single result. */
export function wsExecute<T = Record<string, unknown>>(
  client: Client,
  query: string,
  variables: Record<string, unknown>,
): Promise<{ data?: T; errors?: GraphQLResponse['errors'] }> {
  return new Promise((resolve, reject) => {
    let result: { data?: T; errors?: GraphQLResponse['errors'] } | undefined;
    client.subscribe<T>(
      { query, variables },
      {
        next: (value) => (result = value as typeof result),
        error: (error) => (Array.isArray(error) ? resolve({ errors: error }) : reject(error)),
        complete: () => resolve(result ?? {}),
      },
    );
  });
}

/**
 * Subscribes and collects every value; `next()` resolves with the first value matching a
 * predicate that no earlier `next()` returned, waiting for it if needed.
 */
export function wsCollect<T>(client: Client, query: string, variables: Record<string, unknown>) {
  const values: T[] = [];
  const taken = new Set<number>();
  const waiters: { match: (value: T) => boolean; resolve: (value: T) => void }[] = [];
  let failure: unknown;
  let completed = false;
  const dispose = client.subscribe<Record<string, T>>(
    { query, variables },
    {
      next: (value) => {
        if (value.errors) {
          failure = value.errors;
          return;
        }
        const item = Object.values(value.data ?? {})[0] as T;
        values.push(item);
        const waiter = waiters.find((candidate) => candidate.match(item));
        if (waiter) {
          waiters.splice(waiters.indexOf(waiter), 1);
          taken.add(values.length - 1);
          waiter.resolve(item);
        }
      },
      error: (error) => (failure = error),
      complete: () => (completed = true),
    },
  );
  return {
    values,
    get failure() {
      return failure;
    },
    get completed() {
      return completed;
    },
    dispose,
    next(match: (value: T) => boolean = () => true, timeoutMs = 15_000): Promise<T> {
      const index = values.findIndex((value, i) => !taken.has(i) && match(value));
      if (index >= 0) {
        taken.add(index);
        return Promise.resolve(values[index]!);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(values).slice(0, 500)}`)),
          timeoutMs,
        );
        waiters.push({ match, resolve: (value) => (clearTimeout(timer), resolve(value)) });
      });
    },
  };
}

/** How long a probe has to come back before another is made. */
const PROBE_AGAIN_MS = 300;

/**
 * Waits until a subscription is live, which graphql-ws never says: makes a probe event (which
 * `probe` returns a way to recognise) and again every PROBE_AGAIN_MS until the stream has one,
 * since an event published before the server subscribed is lost. Resolves with what the last
 * probe made; its event, and every later one, reaches the stream.
 */
export async function probeUntilLive<T, Made>(
  stream: { values: T[] },
  probe: () => Promise<{ made: Made; is: (value: T) => boolean }>,
  what: string,
): Promise<Made> {
  const probes: { made: Made; is: (value: T) => boolean }[] = [];
  let probedAt = 0;
  await waitFor(async () => {
    if (stream.values.some((value) => probes.some(({ is }) => is(value)))) return true;
    if (Date.now() - probedAt >= PROBE_AGAIN_MS) {
      probedAt = Date.now();
      probes.push(await probe());
    }
    return false;
  }, what);
  return probes.at(-1)!.made;
}

const SESSION_STREAM = 'subscription($id: ID!){ sessionStream(sessionId: $id) }';

/**
 * A session the agent signed in with `agentCookie` has joined, with the customer's and the agent's
 * streams open and past their first rules. `end` exits as the customer and closes both sockets.
 */
export async function openLiveSession(baseUrl: string, agentCookie: string) {
  const session = await startCustomerSession(baseUrl);
  const joined = await gql(baseUrl, 'mutation($c: String!){ joinSession(code: $c){ id } }', { c: session.code }, { cookie: agentCookie });
  if (!joined.data) throw new Error(`join failed: ${JSON.stringify(joined.errors)}`);
  const customer = wsClient(baseUrl, { customerToken: session.customerToken });
  const agent = wsClient(baseUrl, { cookie: agentCookie });
  const customerStream = wsCollect<StreamMessage>(customer, SESSION_STREAM, { id: session.id });
  const agentStream = wsCollect<StreamMessage>(agent, SESSION_STREAM, { id: session.id });
  await Promise.all([customerStream.next((m) => m.type === 'rules'), agentStream.next((m) => m.type === 'rules')]);
  const end = async () => {
    await gql(
      baseUrl,
      'mutation($id: ID!){ exitSession(sessionId: $id){ id } }',
      { id: session.id },
      { customerToken: session.customerToken },
    );
    await Promise.all([customer.dispose(), agent.dispose()]);
  };
  return { session, customer, agent, customerStream, agentStream, end };
}

export type LiveSession = Awaited<ReturnType<typeof openLiveSession>>;
