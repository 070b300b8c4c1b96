import WebSocket from 'ws';
import type { EventBatch, StreamMessage } from '../protocol/index.ts';
import { SESSION_STREAM } from '../widget/operations.ts';
import { execute, GRAPHQL_PATH, openSocket, type Client } from '../widget/transport.ts';
import { gql, signIn, startCustomerSession } from '../test/support/graphql-client.ts';
import { spawnServer, type SpawnedServer } from './spawn-server.ts';

/** One customer→agent pair as the benchmark drives it. */
export interface BenchSession {
  send(batch: EventBatch): void;
  close(): Promise<void>;
}

export interface RelayTarget {
  name: string;
  start(maxSessions: number): Promise<void>;
  /** CPU time the relay's server process has used so far (ms), to price each batch it relays. */
  serverCpuMs(): number;
  /** Opens session `index`; `onReceive` gets every batch the agent receives. */
  openSession(index: number, onReceive: (batch: EventBatch) => void): Promise<BenchSession>;
  stop(): Promise<void>;
}

const opened = (socket: WebSocket) => new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));

/** The baseline: a bare ws relay. */
export function bareRelay(): RelayTarget {
  let server: SpawnedServer;
  return {
    name: 'bare ws relay',
    async start() {
      server = await spawnServer('./bare-relay-server.ts');
    },
    async openSession(index, onReceive) {
      const agent = new WebSocket(`${server.url}/?session=${index}&role=agent`);
      agent.on('message', (data) => onReceive(JSON.parse(String(data)) as EventBatch));
      const customer = new WebSocket(`${server.url}/?session=${index}&role=customer`);
      await Promise.all([opened(agent), opened(customer)]);
      return {
        send: (batch) => customer.send(JSON.stringify(batch)),
        close: async () => {
          agent.close();
          customer.close();
        },
      };
    },
    serverCpuMs: () => server.cpuMs(),
    stop: () => server.stop(),
  };
}

const noop = () => {};

// The widget's socket client expects the browser's WebSocket; Node 20 has none, and ws's speaks the same API.
class BrowserLikeWebSocket extends WebSocket {
  constructor(address: string, protocols?: string | string[]) {
    super(address, protocols, { headers: { origin: new URL(address).origin.replace(/^ws/, 'http') } });
  }
}
(globalThis as { WebSocket?: unknown }).WebSocket ??= BrowserLikeWebSocket;

/**
 * The agent's side as lean as the bare relay's: a raw socket speaking graphql-transport-ws, so the
 * load generator (on the same two cores as the server) measures the server, not a client library.
 */
function agentStream(baseUrl: string, cookie: string, sessionId: string, onMessage: (message: StreamMessage) => void) {
  const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${GRAPHQL_PATH}`, 'graphql-transport-ws', {
    headers: { origin: baseUrl, cookie },
  });
  socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: {} })));
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as { type: string; payload?: { data?: { sessionStream?: StreamMessage } } };
    if (message.type === 'connection_ack')
      socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: SESSION_STREAM, variables: { sessionId } } }));
    else if (message.type === 'ping') socket.send('{"type":"pong"}');
    else if (message.type === 'next' && message.payload?.data?.sessionStream) onMessage(message.payload.data.sessionStream);
  });
  return socket;
}

/** BENCH_CUSTOMER_UPLOAD=mutation: each batch a `sendEvents` mutation, as the widget sent them until 2026-12-03. */
const SEND_EVENTS = 'mutation($sessionId: ID!, $batch: JSON!){ sendEvents(sessionId:$sessionId, batch:$batch) }';
const BY_MUTATION = process.env.BENCH_CUSTOMER_UPLOAD === 'mutation';

/** BENCH_CUSTOMER_PACING=off: every frame its own batch at once, whatever the window (the load of earlier runs). */
const PACED = process.env.BENCH_CUSTOMER_PACING !== 'off';

/**
 * A customer's frames sent as the widget's recorder sends them (widget/recorder.ts): one batch
 * handed to the socket at a time, the next once the socket takes more (the upload window, or a
 * mutation's answer); frames recorded meanwhile wait and leave together in the next batch, so
 * under load batches grow instead of queueing. Latency still counts from a batch's oldest frame.
 */
function paceLikeTheWidget(send: (batch: EventBatch) => Promise<unknown>, carries: (batch: EventBatch, frames: number) => void) {
  let inFlight = false;
  let waiting: { batch: EventBatch; frames: number } | null = null;
  const go = (batch: EventBatch, frames: number) => {
    carries(batch, frames);
    inFlight = true;
    void send(batch).then(() => {
      inFlight = false;
      const next = waiting;
      waiting = null;
      if (next) go(next.batch, next.frames);
    });
  };
  return (batch: EventBatch) => {
    if (!PACED || !inFlight) return go(batch, 1);
    if (!waiting) waiting = { batch, frames: 1 };
    else
      waiting = {
        batch: { seq: batch.seq, sentAt: waiting.batch.sentAt, events: [...waiting.batch.events, ...batch.events] },
        frames: waiting.frames + 1,
      };
  };
}

/** The product: the widget's own socket client and `sendEvents` mutation, pub/sub, the agent's `sessionStream` subscription. */
export function cobrowseServer(): RelayTarget {
  let server: SpawnedServer;
  return {
    name: 'cobrowse (graphql-ws)',
    async start(maxSessions) {
      server = await spawnServer(process.env.BENCH_SERVER_SCRIPT ?? './cobrowse-server.ts', [String(maxSessions)]);
    },
    async openSession(index, onReceive) {
      const url = server.url;
      const session = await startCustomerSession(url);
      const cookie = await signIn(url, `bench-agent-${index}@example.com`, 'bench');
      await gql(url, 'mutation($c: String!){ joinSession(code: $c){ id } }', { c: session.code }, { cookie });
      let agent: WebSocket | undefined;
      const framesIn = new Map<number, number>(); // a batch's seq → the customer's frames it carries
      await new Promise<void>((ready, fail) => {
        agent = agentStream(url, cookie, session.id, (message) => {
          if (message.type === 'session') return ready();
          if (message.type !== 'events') return;
          const frames = framesIn.get(message.batch.seq) ?? 1;
          framesIn.delete(message.batch.seq);
          for (let frame = 0; frame < frames; frame++) onReceive(message.batch); // each at the age of the batch's oldest frame
        });
        agent.once('error', fail);
      });
      // The widget's socket, as customers run it (widget/transport.ts): open on the customer's own
      // stream, each batch one upload frame (protocol/uploads.ts).
      const customer = await new Promise<Client>((ready) => {
        const client = openSocket(url, session.customerToken, { connected: noop, closed: noop });
        client.subscribe(
          { query: SESSION_STREAM, variables: { sessionId: session.id } },
          { next: () => ready(client), error: noop, complete: noop },
        );
      });
      return {
        send: paceLikeTheWidget(
          (batch) => (BY_MUTATION ? execute(customer, SEND_EVENTS, { sessionId: session.id, batch }).catch(noop) : customer.upload(batch)),
          (batch, frames) => framesIn.set(batch.seq, frames),
        ),
        close: async () => {
          agent?.close();
          customer.dispose();
        },
      };
    },
    serverCpuMs: () => server.cpuMs(),
    stop: () => server.stop(),
  };
}
