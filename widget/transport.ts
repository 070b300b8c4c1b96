import { MAX_RECONNECT_DELAY_MS } from '../protocol/limits.ts';
import { MAX_UNACKNOWLEDGED_BATCHES, type BatchAck, type BatchError } from '../protocol/uploads.ts';
import { CONNECTING, socketTransition, type SocketEvent, type SocketState } from './socket-machine.ts';

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
  /** The socket's round-trip time in ms, shown to the customer, after every ping's pong. */
  rtt?: (ms: number) => void;
}

type Payload = { query: string; variables: Record<string, unknown> };
type Sink<T> = { next: (value: GraphQLResult<T>) => void; error: (error: unknown) => void; complete: () => void };

/** The widget's socket: GraphQL operations over the graphql-transport-ws protocol. */
export interface Client {
  /** Runs an operation, re-sent after every reconnect until it completes; returns how to stop it. */
  subscribe<T>(payload: Payload, sink: Sink<T>): () => void;
  /**
   * Uploads an event batch (protocol/uploads.ts) and settles once the server's window has room
   * for the next. A batch while disconnected is dropped: every reconnect resyncs with a snapshot.
   */
  upload(batch: object): Promise<void>;
  /** Closes the socket for good. */
  dispose(): void;
}

/** The part of a WebSocket the client uses. */
interface RawSocket {
  send(data: string | Uint8Array<ArrayBuffer>): void;
  close(code: number, reason: string): void;
  onopen: (() => void) | null;
  onclose: ((event: { code: number }) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
}

/**
 * The socket's worker: opens the WebSocket, sends what it is given (`['s', data]`), closes on
 * `['x', code, reason]`, and posts back `['o']` when open, `['m', data]` per message, `['c', code]`
 * when closed.
 */
const SOCKET_WORKER = `let s;onmessage=({data:[o,a,b]})=>{if(o==="o"){s=new WebSocket(a,b);s.onopen=()=>postMessage(["o"]);s.onmessage=(e)=>postMessage(["m",e.data]);s.onclose=(e)=>postMessage(["c",e.code])}else if(o==="s")s.send(a);else s.close(a,b)}`;
let socketWorkerUrl: string | undefined;

/**
 * Whether the socket may run in a blob: worker: `Cobrowse.init({ worker: false })` keeps it on the
 * page, for sites whose policy has no `worker-src blob:` (a refused attempt is reported to them).
 * Once refused, never tried again, so a page reports it at most once.
 */
export const socketWorker = { allowed: true };

/**
 * The worker script's URL. Pages that enforce Trusted Types take a worker's URL only from a
 * policy: the widget's one policy, `cobrowse`, which such a site allows with `trusted-types cobrowse`.
 */
function workerUrl(): string {
  const url = URL.createObjectURL(new Blob([SOCKET_WORKER], { type: 'text/javascript' }));
  const types = (window as { trustedTypes?: { createPolicy(name: string, rules: object): { createScriptURL(input: string): string } } })
    .trustedTypes;
  return types ? types.createPolicy('cobrowse', { createScriptURL: () => url }).createScriptURL('') : url;
}

const pageSocket = (url: string, protocol: string) => new WebSocket(url, protocol) as unknown as RawSocket;

/**
 * A WebSocket run by a worker where the page allows one, else the page's own. A page's socket
 * writes a large frame (a packed batch of a big change) only as the page's main thread gets to
 * it, and a page that just changed thousands of nodes lays them out for hundreds of milliseconds
 * first; a worker's socket sends it meanwhile.
 */
function openRawSocket(url: string, protocol: string): RawSocket {
  let worker: Worker;
  try {
    if (!socketWorker.allowed) throw 0;
    worker = new Worker((socketWorkerUrl ??= workerUrl()));
  } catch {
    socketWorker.allowed = false;
    return pageSocket(url, protocol); // no workers here, or the site's policy refuses them at once
  }
  let direct: RawSocket | undefined;
  let opened = false;
  const raw: RawSocket = {
    send: (data) => (direct ? direct.send(data) : worker.postMessage(['s', data], typeof data === 'string' ? [] : [data.buffer])),
    close: (code, reason) => (direct ? direct.close(code, reason) : worker.postMessage(['x', code, reason])),
    onopen: null,
    onclose: null,
    onmessage: null,
  };
  worker.onmessage = ({ data: [kind, value] }: MessageEvent<[string, unknown]>) => {
    if (kind === 'm') return raw.onmessage?.({ data: value });
    if (kind === 'o') return ((opened = true), raw.onopen?.());
    worker.terminate();
    raw.onclose?.({ code: value as number });
  };
  worker.onerror = () => {
    worker.terminate();
    if (opened) return raw.onclose?.({ code: 1006 });
    // Refused while loading (a policy without blob: workers): the page's own socket instead.
    socketWorker.allowed = false;
    direct = pageSocket(url, protocol);
    direct.onopen = () => raw.onopen?.();
    direct.onmessage = (event) => raw.onmessage?.(event);
    direct.onclose = (event) => raw.onclose?.(event);
  };
  worker.postMessage(['o', url, protocol]);
  return raw;
}

/**
 * Opens the session's socket at once and keeps it open across server restarts and network
 * drops; operations still running are re-sent after every reconnect. A small client of the
 * graphql-transport-ws protocol, written for the widget's size budget: graphql-ws's client
 * would take a tenth of it.
 */
export function openSocket(serverOrigin: string, customerToken: string, listeners: SocketListeners): Client {
  const url = serverOrigin.replace(/^http/, 'ws') + GRAPHQL_PATH;
  const operations = new Map<string, { payload: Payload; sink: Sink<never> }>();
  let socket: RawSocket | undefined;
  /** Where the connection is (socket-machine.ts); changed only through `go`. */
  let state: SocketState = CONNECTING;
  /** Feeds the connection's state machine; false when the state refused the event. */
  const go = (event: SocketEvent) => state !== (state = socketTransition(state, event));
  const ready = () => state.name === 'open';
  let lastId = 0;
  let pinger: ReturnType<typeof setInterval> | undefined;
  const send = (message: object) => ready() && socket!.send(JSON.stringify(message));
  // Uploads on this connection: sent, and taken as the server last said.
  let uploaded = 0;
  let taken = 0;
  const roomWaiters: (() => void)[] = [];
  const uploadsTaken = (count: number) => {
    taken = count;
    if (uploaded - taken < MAX_UNACKNOWLEDGED_BATCHES) roomWaiters.splice(0).forEach((wake) => wake());
  };

  const connect = () => {
    const current = (socket = openRawSocket(url, 'graphql-transport-ws'));
    let awaitingPong = false;
    let pingAt = 0;
    const ping = () => {
      awaitingPong = true;
      pingAt = Date.now();
      send({ type: 'ping' });
    };
    const closed = (code: number) => {
      current.onclose = current.onmessage = null;
      clearInterval(pinger);
      uploaded = 0;
      const refused = !go({ type: 'closed', code });
      uploadsTaken(0);
      if (refused) return; // disposed: the session closed it on purpose
      listeners.closed();
      if (state.name !== 'reconnecting') {
        // Closed with a code that says never to come back: the operations fail for good.
        operations.forEach(({ sink }) => sink.error({ code }));
        return operations.clear();
      }
      // Jittered so that many widgets do not reconnect in step after a server restart.
      const wait = Math.min(MAX_RECONNECT_DELAY_MS, FIRST_RETRY_DELAY_MS * 2 ** state.failures) * (0.5 + Math.random() / 2);
      setTimeout(() => go({ type: 'retry' }) && connect(), wait);
    };
    current.onopen = () => current.send(JSON.stringify({ type: 'connection_init', payload: { customerToken } }));
    current.onclose = (event) => closed(event.code);
    current.onmessage = ({ data }) => {
      const message = JSON.parse(data as string) as { type: string; id?: string; payload?: never };
      const operation = operations.get(message.id!);
      if (message.type === 'batch-ack') uploadsTaken((message as unknown as BatchAck).count);
      else if (message.type === 'batch-error') console.warn('Co-browse:', (message as unknown as BatchError).payload.message);
      else if (message.type === 'ping') current.send('{"type":"pong"}');
      else if (message.type === 'pong') {
        awaitingPong = false;
        listeners.rtt?.(Date.now() - pingAt);
      } else if (message.type === 'connection_ack') {
        if (!go({ type: 'acknowledged' })) return;
        // A ping unanswered by the next one means the connection is dead, though not closed.
        pinger = setInterval(() => {
          if (awaitingPong) {
            current.close(4499, 'Terminated');
            return closed(4499);
          }
          ping();
        }, KEEP_ALIVE_MS);
        ping(); // the first round-trip reading at once
        listeners.connected();
        operations.forEach(({ payload }, id) => send({ id, type: 'subscribe', payload }));
      } else if (operation && message.type === 'next') operation.sink.next(message.payload!);
      else if (operation) {
        operations.delete(message.id!);
        if (message.type === 'error') operation.sink.error(message.payload);
        else operation.sink.complete();
      }
    };
  };
  connect();

  return {
    subscribe(payload, sink) {
      const id = String(++lastId);
      operations.set(id, { payload, sink: sink as Sink<never> });
      send({ id, type: 'subscribe', payload });
      return () => void (operations.delete(id) && send({ id, type: 'complete' }));
    },
    upload(batch) {
      if (!ready()) return Promise.resolve();
      socket!.send(new TextEncoder().encode(JSON.stringify(batch)));
      if (++uploaded - taken < MAX_UNACKNOWLEDGED_BATCHES) return Promise.resolve();
      return new Promise((resolve) => roomWaiters.push(resolve));
    },
    dispose() {
      go({ type: 'dispose' });
      socket!.close(1000, 'Normal Closure');
    },
  };
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
