import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import express from 'express';
import { WebSocketServer } from 'ws';
import { openPubSub } from './core/pubsub/index.ts';
import { buildSchema } from '../graphql/schema/index.ts';
import type { AppDeps } from '../graphql/context.ts';
import { createReachableCustomers, MAX_REACHABLE_TABS_PER_CUSTOMER } from './invitations/reachable-customers.ts';
import { seedEmptyDatabase } from '../prisma/seed.ts';
import { APP_ROOT } from '../prisma/tools/paths.ts';
import { useAuditChainKey } from './audit/audit-chain-key.ts';
import { createAuditQueue } from './audit/audit-queue.ts';
import { DEV_AUDIT_CHAIN_KEY, listeningUrl, readConfig, type Config } from './core/config.ts';
import { openDatabase } from './core/db/open-database.ts';
import { assetRoutes } from './http/asset-routes.ts';
import { auditExportRoute } from './http/audit-export-route.ts';
import { createGraphQLHttpRouter } from './http/graphql-http.ts';
import { MAX_WS_PAYLOAD_BYTES, serveGraphQLOverWebSocket } from './http/graphql-ws-server.ts';
import { guardPages } from './http/guard-pages.ts';
import { securityHeaders } from './http/security-headers.ts';
import { healthRoutes } from './http/health-routes.ts';
import { frameRulesRoute } from './http/frame-rules-route.ts';
import { createLogger, requestLogger, type Logger } from './observability/logger.ts';
import { createMetrics } from './observability/metrics.ts';
import { serveWidgetFiles } from './http/serve-widget.ts';
import { openRateLimits } from './limits/rate-limiter.ts';
import { createRecordingWriter } from './recording/recording-writer.ts';
import { createRecordingQuotas } from './limits/storage-quotas.ts';
import { startWaitingSessionSweep } from './sessions/expire-waiting-sessions.ts';
import { startAssetExpiry } from './assets/site-assets.ts';
import { startWebhookWorker } from './webhooks/webhook-worker.ts';

export const GRAPHQL_PATH = '/api/graphql';

export interface StartOptions {
  /** Overrides on top of the environment (tests pass port 0 and their own database). */
  config?: Partial<Config>;
  /** Serve the Next.js pages too (false: API and widget only, for fast tests). */
  pages?: boolean;
  log?: (line: string) => void;
  /** A logger of the caller's (otherwise JSON lines on stdout, or to `log` when given). */
  logger?: Logger;
}

export interface RunningServer {
  url: string;
  /** Where /metrics is served without a token when METRICS_PORT is set (127.0.0.1). */
  metricsUrl?: string;
  deps: AppDeps;
  stop: () => Promise<void>;
}

/** Starts the whole product on one port: pages, GraphQL over HTTP and WebSocket, the widget. */
export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const config = readConfig(process.env, options.config);
  const lines = options.log;
  const logger =
    options.logger ??
    createLogger({ level: config.logLevel, lines: lines && ((line) => lines((JSON.parse(line) as { msg: string }).msg)) });
  const log = (line: string) => logger.info(line);
  const database = await openDatabase(config.databaseUrl);
  await seedEmptyDatabase(database.prisma, { demoUsers: config.seedDemoUsers, adminEmail: config.adminEmail }, log);
  useAuditChainKey(config.auditChainKey);
  if (config.auditChainKey === DEV_AUDIT_CHAIN_KEY)
    logger.warn('AUDIT_CHAIN_KEY is not set: the audit trail is keyed with the published development key');
  const metrics = createMetrics({ db: database.prisma, refreshSeconds: config.metricsRefreshSeconds });
  const pubsub = metrics.instrumentPubSub(await openPubSub(config.redisUrl));
  const limits = openRateLimits({ redisUrl: config.redisUrl, keyPrefix: config.redisPrefix });
  const recordings = createRecordingWriter(database.prisma, {
    maxBytesPerSession: config.recordingMaxBytesPerSession,
    quotas: createRecordingQuotas(database.prisma, { limits, config }),
  });
  const audit = createAuditQueue(database.prisma, {
    maxEventsPerSession: config.maxAuditEventsPerSession,
    maxQueued: config.auditQueueMaxEvents,
    log,
  });
  const webhooks = startWebhookWorker(database.prisma, {
    timeoutMs: config.webhookTimeoutMs,
    maxAttempts: config.webhookMaxAttempts,
    retryBaseMs: config.webhookRetryBaseMs,
    pollIntervalMs: config.webhookPollIntervalMs,
    concurrency: config.webhookConcurrency,
    policy: { allowPrivateTargets: config.webhookAllowPrivateTargets, allowedPrivateHosts: config.webhookAllowedPrivateHosts },
    log: (line) => logger.warn(line),
  });
  const reachable = createReachableCustomers({
    maxTabs: config.maxReachableCustomers,
    maxTabsPerCustomer: MAX_REACHABLE_TABS_PER_CUSTOMER,
  });
  const deps: AppDeps = { db: database.prisma, pubsub, config, recordings, limits, audit, webhooks, log, reachable };
  const stopExpiringSessions = startWaitingSessionSweep(deps);
  const stopExpiringAssets = startAssetExpiry(deps);

  const nextApp = options.pages === false ? null : await prepareNext(config);
  const app = express();
  app.disable('x-powered-by');
  app.use(metrics.timeRequests, requestLogger(logger));
  app.use(securityHeaders(deps));
  // Idle connections are closed by the client or the proxy in front, which then never sends on
  // one this server is closing: Node's 5 s default is shorter than proxies' (nginx keeps 60 s),
  // and a request racing the close fails with a reset.
  const httpServer = createServer({ keepAliveTimeout: 65_000, headersTimeout: 66_000 }, app);
  const schema = buildSchema();
  const graphqlHttp = await createGraphQLHttpRouter(schema, deps, httpServer);

  const health = healthRoutes({ ...deps, warn: (line) => logger.warn(line) });
  app.use(health.router, metrics.router({ token: config.metricsToken }));
  const internalMetrics = config.metricsPort === undefined ? null : await metrics.listenInternal(config.metricsPort);
  if (internalMetrics) log(`Metrics on ${internalMetrics.url}/metrics (this machine only)`);
  app.use(serveWidgetFiles(APP_ROOT));
  app.use(graphqlHttp.router);
  app.use(auditExportRoute(deps));
  app.use(assetRoutes(deps));
  app.use(frameRulesRoute(deps));
  app.use(guardPages(deps));
  if (nextApp) {
    const handle = nextApp.getRequestHandler();
    app.all('/{*any}', (req, res) => handle(req, res));
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_PAYLOAD_BYTES });
  const graphqlWs = serveGraphQLOverWebSocket(wss, schema, deps);
  metrics.watchSockets(wss);
  const nextUpgrade = nextApp?.getUpgradeHandler();
  httpServer.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (pathname === GRAPHQL_PATH) {
      wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
    } else if (nextUpgrade) {
      void nextUpgrade(request, socket, head); // Next's hot reload in `npm run dev`
    } else {
      socket.destroy();
    }
  });

  await new Promise<void>((resolve) => httpServer.listen(config.port, config.host, resolve));
  const { port } = httpServer.address() as AddressInfo;
  const url = listeningUrl(config.host, port);
  // On port 0 (tests, the benchmark) the default public origin named port 0; no request was taken before this line.
  if (config.publicOrigin === listeningUrl(config.host, 0)) config.publicOrigin = url;
  log(`Cobrowse listening on ${url} (${database.provider}, ${config.redisUrl ? 'Redis' : 'in-process'} pub/sub)`);

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await graphqlWs.dispose(); // closes every socket with 1001 "Going away"; clients reconnect elsewhere
      wss.close();
      await graphqlHttp.stop(); // drains in-flight HTTP requests and closes the listener
      await nextApp?.close();
      await stopExpiringSessions();
      stopExpiringAssets();
      await recordings.close();
      await audit.close(); // after the sockets: their last supervisor-left events are queued by then
      await webhooks.stop(); // after the audit queue: what it wrote last may have queued deliveries
      await pubsub.close(); // after everything that may still publish (audit rows, deliveries)
      await limits.close();
      await health.close();
      await internalMetrics?.close();
      await database.close();
    })());
  return { url, ...(internalMetrics ? { metricsUrl: internalMetrics.url } : {}), deps, stop };
}

async function prepareNext(config: Config) {
  const { default: next } = await import('next');
  const nextApp = next({ dev: config.dev, dir: APP_ROOT, hostname: config.host, port: config.port });
  await nextApp.prepare();
  return nextApp;
}
