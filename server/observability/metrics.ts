import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type RequestHandler, type Router } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { WebSocketServer, WebSocket } from 'ws';
import { SESSION_STATUSES } from '../../protocol/messages.ts';
import type { PubSub } from '../core/pubsub/index.ts';
import type { PrismaClient } from '../core/db/index.ts';

/** The kind of a pub/sub topic, as a label with few values (never a session id). */
const topicKind = (topic: string): string =>
  topic.endsWith(':agent') ? 'agent' : topic.endsWith(':customer') ? 'customer' : (topic.split(':')[0] ?? 'other');

type SessionCounts = Map<string, number>;

/**
 * Sessions by state from the database, counted at most once per `refreshMs` however often it is
 * scraped (the count reads every session), and once for scrapes that arrive together.
 */
function cachedSessionCounts(db: PrismaClient, refreshMs: number): () => Promise<SessionCounts> {
  let counted: { at: number; counts: SessionCounts } | null = null;
  let counting: Promise<SessionCounts> | null = null;
  return async () => {
    if (counted && Date.now() - counted.at < refreshMs) return counted.counts;
    counting ??= db.session
      .groupBy({ by: ['status'], _count: { _all: true } })
      .then((rows) => {
        const counts: SessionCounts = new Map(rows.map((row) => [row.status, row._count._all]));
        counted = { at: Date.now(), counts };
        return counts;
      })
      .finally(() => (counting = null));
    return counting;
  };
}

/** Whether an Authorization header carries the token; compared in constant time (digests of equal length). */
const bearerMatches = (header: string | undefined, token: string): boolean => {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(header ?? ''), digest(`Bearer ${token}`));
};

/**
 * Prometheus metrics (prom-client), one registry per server so several servers in one process
 * (tests) do not mix: sessions by state, messages and bytes relayed, request and relay latency,
 * audit write failures, and Node's own process metrics. Served behind a bearer token on the main
 * port, or without one on an internal port bound to 127.0.0.1; never openly.
 */
export function createMetrics(deps: { db: PrismaClient; refreshSeconds?: number }) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const sessionCounts = cachedSessionCounts(deps.db, (deps.refreshSeconds ?? 15) * 1000);
  new Gauge({
    name: 'cobrowse_sessions',
    help: 'Co-browse sessions by state (counted at most once per METRICS_REFRESH_SECONDS)',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      // The database down: the last counts stay, and the rest of the scrape still answers.
      const counts = await sessionCounts().catch(() => null);
      if (counts) for (const state of SESSION_STATUSES) this.set({ state }, counts.get(state) ?? 0);
    },
  });
  const sockets = new Set<WebSocket>();
  let closedSocketBytesSent = 0;
  new Gauge({
    name: 'cobrowse_websocket_connections',
    help: 'Open GraphQL WebSocket connections',
    registers: [registry],
    collect() {
      this.set(sockets.size);
    },
  });
  const wsMessagesIn = new Counter({
    name: 'cobrowse_ws_messages_received_total',
    help: 'WebSocket messages received',
    registers: [registry],
  });
  const wsBytesIn = new Counter({ name: 'cobrowse_ws_bytes_received_total', help: 'WebSocket bytes received', registers: [registry] });
  const wsBytesOut = new Counter({
    name: 'cobrowse_ws_bytes_sent_total',
    help: 'WebSocket bytes sent (socket level)',
    registers: [registry],
  });
  let reportedBytesOut = 0;
  const bytesWritten = (socket: WebSocket) => (socket as unknown as { _socket?: { bytesWritten: number } })._socket?.bytesWritten ?? 0;
  const published = new Counter({
    name: 'cobrowse_pubsub_messages_published_total',
    help: 'Messages published to the pub/sub (relayed between customers, agents and watchers)',
    labelNames: ['topic'],
    registers: [registry],
  });
  // A busy customer publishes 30 times a second: each topic kind's counter is looked up once, not by its labels each time.
  const publishedByKind = new Map<string, Counter.Internal>();
  const publishedTo = (topic: string) => {
    const kind = topicKind(topic);
    let counter = publishedByKind.get(kind);
    if (!counter) publishedByKind.set(kind, (counter = published.labels(kind)));
    return counter;
  };
  const publishFailures = new Counter({
    name: 'cobrowse_pubsub_publish_failures_total',
    help: 'Publishes the pub/sub refused',
    registers: [registry],
  });
  const relayLatency = new Histogram({
    name: 'cobrowse_pubsub_publish_seconds',
    help: 'Time to hand a message to the pub/sub (Redis round trip when configured)',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'cobrowse_http_request_duration_seconds',
    help: 'HTTP request duration by method, route kind and status class',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  const auditWriteFailures = new Counter({
    name: 'cobrowse_audit_write_failures_total',
    help: 'Audit rows that could not be written at the first attempt (retried by the audit queue)',
    registers: [registry],
  });

  const routeKind = (path: string) =>
    path.startsWith('/api/graphql') ? 'graphql' : path.startsWith('/api/') ? 'api' : path.startsWith('/_next/') ? 'asset' : 'page';

  return {
    registry,
    auditWriteFailures,
    /** Times every HTTP request. */
    timeRequests: ((req, res, next) => {
      const end = httpDuration.startTimer();
      res.once('finish', () =>
        end({ method: req.method, route: routeKind(req.originalUrl), status: `${Math.floor(res.statusCode / 100)}xx` }),
      );
      next();
    }) as RequestHandler,
    /** Counts WebSocket traffic; messages in as they arrive, bytes out read off the sockets on scrape. */
    watchSockets(wss: WebSocketServer) {
      wss.on('connection', (socket: WebSocket) => {
        sockets.add(socket);
        socket.on('message', (data: Buffer) => {
          wsMessagesIn.inc();
          wsBytesIn.inc(data.length);
        });
        socket.once('close', () => {
          closedSocketBytesSent += bytesWritten(socket);
          sockets.delete(socket);
        });
      });
    },
    /** Wraps a pub/sub so every publish is counted and timed. */
    instrumentPubSub(pubsub: PubSub): PubSub {
      return {
        ...pubsub,
        async publish(topic, message) {
          const started = performance.now();
          try {
            await pubsub.publish(topic, message);
            publishedTo(topic).inc();
          } catch (error) {
            publishFailures.inc();
            throw error;
          } finally {
            relayLatency.observe((performance.now() - started) / 1000);
          }
        },
        subscribe: (topic, onMessage) => pubsub.subscribe(topic, onMessage),
        close: () => pubsub.close(),
      };
    },
    /**
     * GET /metrics on the main port: with a token, only for `Authorization: Bearer <token>`;
     * without one, not served there (404).
     */
    router(options: { token?: string }): Router {
      const router = express.Router();
      router.get('/metrics', (req, res, next) => {
        if (!options.token) return void res.status(404).type('text/plain').send('Not found');
        if (!bearerMatches(req.headers.authorization, options.token)) {
          return void res.status(401).set('www-authenticate', 'Bearer').type('text/plain').send('Unauthorized');
        }
        next();
      });
      router.get('/metrics', scrape);
      return router;
    },
    /** Serves /metrics alone on 127.0.0.1:`port`, without a token (reached from this machine only). */
    async listenInternal(port: number): Promise<{ url: string; close: () => Promise<void> }> {
      const app = express();
      app.disable('x-powered-by');
      app.get('/metrics', scrape);
      const server = createServer(app);
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
    },
  };

  /** Prometheus' text format; bytes sent are read off the sockets now. */
  async function scrape(_req: express.Request, res: express.Response) {
    let total = closedSocketBytesSent;
    for (const socket of sockets) total += bytesWritten(socket);
    if (total > reportedBytesOut) wsBytesOut.inc(total - reportedBytesOut);
    reportedBytesOut = total;
    res.set('content-type', registry.contentType).set('cache-control', 'no-store');
    res.send(await registry.metrics());
  }
}

export type Metrics = ReturnType<typeof createMetrics>;
