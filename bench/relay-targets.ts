import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { MAX_UNACKNOWLEDGED_BATCHES } from '../protocol/uploads.ts';
import { SESSION_STREAM } from '../widget/operations.ts';
import { GRAPHQL_PATH, KEEP_ALIVE_MS } from '../widget/transport.ts';
import { dropSchema } from '../test/support/services.ts';
import { gql, signIn, startCustomerSession } from '../test/support/graphql-client.ts';
import { spawnServer, type SpawnedServer } from './spawn-server.ts';

/** One frame a busy customer's recorder hands over: its events as JSON (an array), and when it was recorded. */
export interface Frame {
  seq: number;
  sentAt: number;
  eventsJson: string;
}

/** One customer→agent pair as the benchmark drives it. */
export interface BenchSession {
  send(frame: Frame): void;
  close(): Promise<void>;
}

/** Called for every customer frame the agent receives, with when the frame was recorded. */
export type OnReceive = (sentAt: number) => void;

export interface RelayTarget {
  name: string;
  start(maxSessions: number): Promise<void>;
  /** CPU time the relay's server processes have used so far (ms), to price each batch they relay. */
  serverCpuMs(): number;
  /** Opens session `index`; `onReceive` is called for every customer frame its agent receives. */
  openSession(index: number, onReceive: OnReceive): Promise<BenchSession>;
  stop(): Promise<void>;
}

const opened = (socket: WebSocket) => new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
const noop = () => {};

/** BENCH_CUSTOMER_PACING=off: every frame its own batch at once, whatever the window (the load of earlier runs). */
const PACED = process.env.BENCH_CUSTOMER_PACING !== 'off';

/**
 * A customer's frames sent as the widget sends them (widget/transport.ts, widget/recorder.ts): at
 * most MAX_UNACKNOWLEDGED_BATCHES uploads the server has not yet acknowledged (it tells a count
 * every BATCH_ACK_INTERVAL_MS); frames recorded while the window is full wait and leave together
 * in the next batch, so under load batches grow instead of queueing. Latency still counts from a
 * batch's oldest frame. The same for the bare relay's customers and the product's: like with like.
 */
export function paceLikeTheWidget(upload: (json: string) => void, carries: (seq: number, frames: number) => void) {
  let uploaded = 0;
  let taken = 0;
  let waiting: { seq: number; sentAt: number; events: string[] } | null = null;
  const go = (seq: number, sentAt: number, events: string[]) => {
    carries(seq, events.length);
    uploaded++;
    // Each frame's events are a JSON array: a merged batch joins their insides.
    const json = events.length === 1 ? events[0] : `[${events.map((array) => array.slice(1, -1)).join(',')}]`;
    upload(`{"seq":${seq},"sentAt":${sentAt},"events":${json}}`);
  };
  return {
    send(frame: Frame) {
      if (!PACED || uploaded - taken < MAX_UNACKNOWLEDGED_BATCHES) return go(frame.seq, frame.sentAt, [frame.eventsJson]);
      if (!waiting) waiting = { seq: frame.seq, sentAt: frame.sentAt, events: [frame.eventsJson] };
      else {
        waiting.seq = frame.seq;
        waiting.events.push(frame.eventsJson);
      }
    },
    /** The server's `batch-ack`: it has taken `count` uploads on this connection. */
    acknowledged(count: number) {
      taken = count;
      if (waiting && uploaded - taken < MAX_UNACKNOWLEDGED_BATCHES) {
        const next = waiting;
        waiting = null;
        go(next.seq, next.sentAt, next.events);
      }
    },
  };
}

const BATCH_ACK = /^\{"type":"batch-ack","count":(\d+)\}$/;
// A batch's head as both relays pass it on (the product around the customer's own text).
const BATCH_HEAD = /"seq":(\d+),"sentAt":([\d.]+)/;

/** Counts every frame a received batch carries, each at the age of the batch's oldest frame. */
function receiver(onReceive: OnReceive) {
  const framesIn = new Map<number, number>(); // a batch's seq → the customer's frames it carries
  return {
    carries: (seq: number, frames: number) => framesIn.set(seq, frames),
    received(text: string) {
      const head = BATCH_HEAD.exec(text);
      if (!head) return false;
      const seq = Number(head[1]);
      const frames = framesIn.get(seq) ?? 1;
      framesIn.delete(seq);
      for (let frame = 0; frame < frames; frame++) onReceive(Number(head[2]));
      return true;
    },
  };
}

/** The baseline: a bare ws relay with the product's upload window (bare-relay-server.ts). */
export function bareRelay(): RelayTarget {
  let server: SpawnedServer;
  return {
    name: 'bare ws relay',
    async start() {
      server = await spawnServer('./bare-relay-server.ts');
    },
    async openSession(index, onReceive) {
      const frames = receiver(onReceive);
      const agent = new WebSocket(`${server.url}/?session=${index}&role=agent`);
      agent.on('message', (data) => frames.received(String(data)));
      const customer = new WebSocket(`${server.url}/?session=${index}&role=customer`);
      const pacer = paceLikeTheWidget((json) => customer.send(Buffer.from(json)), frames.carries);
      customer.on('message', (data) => {
        const ack = BATCH_ACK.exec(String(data));
        if (ack) pacer.acknowledged(Number(ack[1]));
      });
      await Promise.all([opened(agent), opened(customer)]);
      return {
        send: pacer.send,
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

/**
 * The agent's side as lean as the bare relay's: a raw socket speaking graphql-transport-ws, so the
 * load generator (on the same two cores as the server) measures the server, not a client library.
 */
function agentStream(baseUrl: string, cookie: string, sessionId: string, onBatch: (text: string) => boolean, ready: () => void) {
  const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${GRAPHQL_PATH}`, 'graphql-transport-ws', {
    headers: { origin: baseUrl, cookie },
  });
  socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: {} })));
  socket.on('message', (data) => {
    const text = String(data);
    if (onBatch(text)) return;
    const message = JSON.parse(text) as { type: string; payload?: { data?: { sessionStream?: { type: string } } } };
    if (message.type === 'connection_ack')
      socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: SESSION_STREAM, variables: { sessionId } } }));
    else if (message.type === 'ping') socket.send('{"type":"pong"}');
    else if (message.payload?.data?.sessionStream?.type === 'session') ready();
  });
  return socket;
}

/**
 * The customer's side as the widget speaks it (widget/transport.ts): graphql-transport-ws with
 * the customer token, the customer's own stream subscribed, event batches uploaded as binary
 * frames (protocol/uploads.ts) within the acknowledged window. A raw socket rather than the
 * widget's client, so it sends the pre-serialized frames as the bare relay's customers do.
 */
function customerSocket(baseUrl: string, customerToken: string, sessionId: string, carries: (seq: number, frames: number) => void) {
  const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${GRAPHQL_PATH}`, 'graphql-transport-ws', {
    headers: { origin: baseUrl },
  });
  const pacer = paceLikeTheWidget((json) => socket.send(Buffer.from(json)), carries);
  const subscribed = new Promise<void>((ready, fail) => {
    socket.once('error', fail);
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { customerToken } })));
    socket.on('message', (data) => {
      const text = String(data);
      const ack = BATCH_ACK.exec(text);
      if (ack) return pacer.acknowledged(Number(ack[1]));
      const message = JSON.parse(text) as { type: string };
      if (message.type === 'connection_ack')
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: SESSION_STREAM, variables: { sessionId } } }));
      else if (message.type === 'ping') socket.send('{"type":"pong"}');
      else if (message.type === 'next') ready();
      else if (message.type === 'batch-error') fail(new Error(text));
    });
  });
  return { socket, pacer, subscribed };
}

/**
 * A started session whose customer's widget socket is open, with no agent: a customer waiting.
 * It pings every KEEP_ALIVE_MS as the widget does (from a random point in the first period, so
 * thousands of them do not ping in step).
 */
export async function openWaitingCustomer(url: string): Promise<{ isOpen: () => boolean; close: () => void }> {
  const session = await startCustomerSession(url);
  const customer = customerSocket(url, session.customerToken, session.id, noop);
  await customer.subscribed;
  const ping = () => customer.socket.readyState === WebSocket.OPEN && customer.socket.send('{"type":"ping"}');
  let pinger: ReturnType<typeof setInterval> | undefined;
  const first = setTimeout(() => (pinger = setInterval(ping, KEEP_ALIVE_MS)), Math.random() * KEEP_ALIVE_MS);
  return {
    isOpen: () => customer.socket.readyState === WebSocket.OPEN,
    close: () => {
      clearTimeout(first);
      clearInterval(pinger);
      customer.socket.close();
    },
  };
}

/**
 * One of the product's sessions as the bench drives it: started on `customerUrl`, joined by
 * `bench-agent-<index>` on `agentUrl` (the same server, or another instance sharing its database
 * and Redis), the agent's stream and the customer's widget socket open.
 */
export async function openProductSession(
  { customerUrl, agentUrl }: { customerUrl: string; agentUrl: string },
  index: number,
  onReceive: OnReceive,
): Promise<BenchSession> {
  const session = await startCustomerSession(customerUrl);
  const cookie = await signIn(agentUrl, `bench-agent-${index}@example.com`, 'bench');
  await gql(agentUrl, 'mutation($c: String!){ joinSession(code: $c){ id } }', { c: session.code }, { cookie });
  const frames = receiver(onReceive);
  let agent: WebSocket | undefined;
  await new Promise<void>((ready, fail) => {
    agent = agentStream(agentUrl, cookie, session.id, frames.received, ready);
    agent.once('error', fail);
  });
  const customer = customerSocket(customerUrl, session.customerToken, session.id, frames.carries);
  await customer.subscribed;
  return {
    send: customer.pacer.send,
    close: async () => {
      agent?.close();
      customer.socket.close();
    },
  };
}

/** The product: the widget's batch uploads, pub/sub, the agent's `sessionStream` subscription. */
export function cobrowseServer(): RelayTarget {
  let server: SpawnedServer;
  return {
    name: 'cobrowse (graphql-ws)',
    async start(maxSessions) {
      server = await spawnServer(process.env.BENCH_SERVER_SCRIPT ?? './cobrowse-server.ts', [String(maxSessions)]);
    },
    openSession: (index, onReceive) => openProductSession({ customerUrl: server.url, agentUrl: server.url }, index, onReceive),
    serverCpuMs: () => server.cpuMs(),
    stop: () => server.stop(),
  };
}

/**
 * The product scaled out: two instances (scaled-server.ts) sharing a fresh PostgreSQL schema and
 * Redis under a prefix of their own. `split`: each session's customer on the first instance and
 * its agent on the second, so every batch crosses Redis; otherwise both on the first (the same
 * setup, one hop fewer), to price the hop in the same run.
 */
export function scaledOutServers({ split }: { split: boolean }): RelayTarget {
  let servers: SpawnedServer[] = [];
  const schema = `cobrowse_bench_${process.pid}_${Date.now()}`;
  return {
    name: split ? 'cobrowse, customer and agent on two instances' : 'cobrowse, one instance with Redis',
    async start(maxSessions) {
      const prefix = `bench-${randomUUID()}`;
      // One after the other: the first applies the migrations and seeds the agents, the second finds them.
      const first = await spawnServer('./scaled-server.ts', [schema, prefix, String(maxSessions)]);
      servers = [first];
      if (split) servers.push(await spawnServer('./scaled-server.ts', [schema, prefix, '0']));
    },
    openSession: (index, onReceive) =>
      openProductSession({ customerUrl: servers[0]!.url, agentUrl: servers.at(-1)!.url }, index, onReceive),
    serverCpuMs: () => servers.reduce((sum, server) => sum + server.cpuMs(), 0),
    async stop() {
      await Promise.all(servers.map((server) => server.stop()));
      await dropSchema(schema);
    },
  };
}
