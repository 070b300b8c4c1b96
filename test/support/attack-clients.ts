import { request as httpRequest } from 'node:http';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/**
 * Raw clients for the attack tests: any headers, any body, a client address per caller (a
 * loopback address the connection really comes from, so rate limits keyed by address do not mix
 * test traffic up), and a graphql-ws client per caller that reports how the server answered —
 * including when it closed the socket instead.
 */

/** Who presents what. A caller may hold several credentials, as a confused or hostile client might. */
export interface Identity {
  cookie?: string;
  customerToken?: string;
  apiKey?: string;
}

export interface GraphQLErrorBody {
  message: string;
  extensions?: { code?: string; [key: string]: unknown };
  [key: string]: unknown;
}

export interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: GraphQLErrorBody[];
}

export interface HttpAnswer {
  status: number;
  /** The body as sent, for checks on what it must not contain. */
  text: string;
  /** The parsed body, or null when it was not JSON. */
  json: GraphQLBody | null;
  /** The first Set-Cookie's `name=value`, if any. */
  setCookie: string | null;
}

export interface CallOptions {
  identity?: Identity;
  /** The loopback address (127.x.y.z) the connection comes from, as the server's socket sees it. */
  address?: string;
  origin?: string;
  headers?: Record<string, string>;
}

function headersFor(baseUrl: string, options: CallOptions): Record<string, string> {
  const headers: Record<string, string> = { origin: options.origin ?? baseUrl, ...options.headers };
  const identity = options.identity ?? {};
  if (identity.cookie) headers.cookie = identity.cookie;
  if (identity.customerToken) headers['x-cobrowse-customer-token'] = identity.customerToken;
  if (identity.apiKey) headers.authorization = `Bearer ${identity.apiKey}`;
  return headers;
}

/**
 * POSTs a GraphQL request (an object, or a raw string body sent as is) on a connection of its own
 * (no keep-alive: a reused socket the server is closing would read as a reset, not as its answer).
 * Rejects only when no answer came at all.
 */
export function httpGraphQL(baseUrl: string, body: unknown, options: CallOptions = {}): Promise<HttpAnswer> {
  const payload = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  const target = new URL('/api/graphql', baseUrl);
  return new Promise((resolve, reject) => {
    const request = httpRequest(target, {
      method: 'POST',
      agent: false,
      localAddress: options.address,
      headers: { 'content-type': 'application/json', ...headersFor(baseUrl, options), 'content-length': payload.length },
    });
    let answered = false;
    request.on('response', (response) => {
      answered = true;
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: GraphQLBody | null = null;
        try {
          json = JSON.parse(text) as GraphQLBody;
        } catch {
          json = null;
        }
        const cookie = response.headers['set-cookie']?.[0]?.split(';')[0] ?? null;
        resolve({ status: response.statusCode ?? 0, text, json, setCookie: cookie });
      });
    });
    // A server refusing an oversized body may stop reading it: the write fails, the answer still counts.
    request.on('error', (error) => {
      if (!answered) setTimeout(() => (answered ? undefined : reject(error)), 200);
    });
    request.end(payload);
  });
}

let addressCounter = 0;
/**
 * A fresh client address per call, so per-address limits never see two calls as one caller: one of
 * the loopback network's addresses (127.0.0.0/8, all of which reach a server on 127.0.0.1), never 127.0.0.1.
 */
export function freshAddress(): string {
  addressCounter += 1;
  return `127.${100 + ((addressCounter >> 16) & 127)}.${(addressCounter >> 8) & 255}.${addressCounter & 255}`;
}

/**
 * A graphql-ws client that upgrades with browser-like headers and presents the identity as the
 * widget or an API client would. `persistent` keeps one socket open until disposed (as the widget
 * does); otherwise the socket opens for the first operation and closes after the last.
 */
export function wsConnect(baseUrl: string, options: CallOptions & { persistent?: boolean } = {}): Client {
  const headers = headersFor(baseUrl, { ...options, identity: { cookie: options.identity?.cookie } });
  const localAddress = options.address;
  class HeaderWebSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers, localAddress });
    }
  }
  const identity = options.identity ?? {};
  return createClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/api/graphql`,
    webSocketImpl: HeaderWebSocket,
    connectionParams: {
      ...(identity.customerToken ? { customerToken: identity.customerToken } : {}),
      ...(identity.apiKey ? { authorization: `Bearer ${identity.apiKey}` } : {}),
    },
    retryAttempts: 0,
    lazy: !options.persistent,
  });
}

/** How one WebSocket operation ended, as far as its first answer goes. */
export type WsAnswer =
  | { kind: 'next'; body: GraphQLBody }
  | { kind: 'error'; body: GraphQLBody }
  | { kind: 'complete' }
  | { kind: 'closed'; closeCode: number; reason: string }
  | { kind: 'timeout' };

const isCloseEvent = (value: unknown): value is { code: number; reason: string } =>
  typeof value === 'object' && value !== null && typeof (value as { code?: unknown }).code === 'number';

/**
 * Runs one operation and resolves with its first answer, then unsubscribes. `poke` runs (and
 * re-runs every `pokeEveryMs`) while nothing has come yet, to make a quiet subscription speak.
 */
export function wsFirst(
  client: Client,
  query: string,
  variables: Record<string, unknown> = {},
  options: { timeoutMs?: number; poke?: () => Promise<void>; pokeEveryMs?: number } = {},
): Promise<WsAnswer> {
  return new Promise((resolve) => {
    let settled = false;
    let pokeTimer: NodeJS.Timeout | undefined;
    const finish = (answer: WsAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(pokeTimer);
      dispose();
      resolve(answer);
    };
    const timer = setTimeout(() => finish({ kind: 'timeout' }), options.timeoutMs ?? 10_000);
    const dispose = client.subscribe(
      { query, variables },
      {
        next: (value) => finish({ kind: 'next', body: value as GraphQLBody }),
        error: (error: unknown) => {
          if (Array.isArray(error)) finish({ kind: 'error', body: { errors: error as GraphQLErrorBody[] } });
          else if (isCloseEvent(error)) finish({ kind: 'closed', closeCode: error.code, reason: error.reason });
          else finish({ kind: 'closed', closeCode: -1, reason: String(error) });
        },
        complete: () => finish({ kind: 'complete' }),
      },
    );
    if (options.poke) {
      const poke = options.poke;
      const pokeOnce = () => void (settled ? undefined : poke().catch(() => {}));
      setTimeout(pokeOnce, 150);
      pokeTimer = setInterval(pokeOnce, options.pokeEveryMs ?? 700);
    }
  });
}
