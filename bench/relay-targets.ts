import WebSocket from 'ws';
import type { EventBatch, StreamMessage } from '../protocol/index.ts';
import { gql, signIn, startCustomerSession, wsClient } from '../test/support/graphql-client.ts';
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

const SEND_EVENTS = 'mutation($id: ID!, $batch: JSON!){ sendEvents(sessionId: $id, batch: $batch) }';
const noop = () => {};

/** The product: widget-shaped GraphQL mutations over graphql-ws, pub/sub, agent subscription. */
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
      const agent = wsClient(url, { cookie });
      const customer = wsClient(url, { customerToken: session.customerToken });
      // As the widget does: the customer's socket stays open on its own stream (a lazy client
      // with no operation running would close and reopen the socket between batches).
      await new Promise<void>((ready, fail) =>
        customer.subscribe(
          { query: 'subscription($id: ID!){ sessionStream(sessionId: $id) }', variables: { id: session.id } },
          { next: () => ready(), error: fail, complete: noop },
        ),
      );
      await new Promise<void>((ready, fail) => {
        agent.subscribe<{ sessionStream: StreamMessage }>(
          { query: 'subscription($id: ID!){ sessionStream(sessionId: $id) }', variables: { id: session.id } },
          {
            next: ({ data }) => {
              const message = data?.sessionStream;
              if (message?.type === 'session') ready();
              else if (message?.type === 'events') onReceive(message.batch);
            },
            error: fail,
            complete: noop,
          },
        );
      });
      const sink = { next: noop, error: noop, complete: noop };
      return {
        send: (batch) => void customer.subscribe({ query: SEND_EVENTS, variables: { id: session.id, batch } }, sink),
        close: async () => {
          await Promise.all([agent.dispose(), customer.dispose()]);
        },
      };
    },
    serverCpuMs: () => server.cpuMs(),
    stop: () => server.stop(),
  };
}
