import { z } from 'zod';
import { MAX_BATCH_BYTES } from '../../protocol/limits.ts';

const origin = z
  .string()
  .trim()
  .transform((value, ctx) => {
    try {
      const url = new URL(value);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
      return url.origin;
    } catch {
      ctx.addIssue({ code: 'custom', message: `"${value}" is not an http(s) origin like https://shop.example.com` });
      return z.NEVER;
    }
  });

/** Where a server listening on `host`:`port` is reached on this machine (any interface: localhost). */
export function listeningUrl(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}`;
}

/**
 * The audit chain's key when AUDIT_CHAIN_KEY is unset (development, tests, the quick start). It is
 * published here, so a chain under it proves nothing against someone who can write the database:
 * a production deployment with its own database refuses to start without a key of its own.
 */
export const DEV_AUDIT_CHAIN_KEY = 'cobrowse-development-audit-chain-key-not-secret';

/** The quick start's embedded SQLite file, used when DATABASE_URL is unset. */
export const DEFAULT_DATABASE_URL = 'file:./data/cobrowse.db';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

/**
 * Every setting, under the name the code uses; each is read from the environment variable of the
 * same name in constant case (`maxSocketsPerAddress` ← MAX_SOCKETS_PER_ADDRESS), and the README
 * lists them all. The one list of settings: the types come from it.
 */
const settings = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(3000),
  host: z.string().min(1).default('0.0.0.0'),
  /**
   * The origin browsers reach this server at (PUBLIC_URL): its own pages (the demo) may start
   * sessions, and only they get the sign-in cookie read on a WebSocket. Never taken from a
   * request's Host or X-Forwarded-Proto, which any client writes. Unset: where it listens.
   */
  publicUrl: origin.optional(),
  databaseUrl: z
    .string()
    .regex(/^(file:|postgres(ql)?:\/\/)/, 'must start with file: (SQLite) or postgres:// (PostgreSQL)')
    .optional(),
  redisUrl: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  /** Extra origins whose pages may start sessions; the server's own origin (the demo) always may. */
  allowedOrigins: z
    .string()
    .default('')
    .transform((value) => value.split(',').filter((part) => part.trim() !== ''))
    .pipe(z.array(origin)),
  /**
   * Whether an empty database gets the demo users (published password): SEED_DEMO_USERS, or when
   * unset, only on the quick start's embedded default (DATABASE_URL unset). Otherwise an empty
   * database gets one admin (`adminEmail`) with a random password printed once in the log.
   */
  seedDemoUsers: booleanFlag.optional(),
  /** The first admin's email on an empty database without demo users. */
  adminEmail: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'must be an email address such as admin@company.com')
    .default('admin@cobrowse.local'),
  /** The Secure flag of the sign-in cookie (COOKIE_SECURE); never taken from a request header. */
  cookieSecure: z.enum(['auto', 'true', 'false'], { message: 'must be auto, true or false' }).default('auto'),
  /**
   * Reverse proxies in front of the server that each append the address they saw to
   * X-Forwarded-For (TRUST_PROXY_HOPS); 0: the socket's peer is the client. Rate limits count per client address.
   */
  trustProxyHops: z.coerce.number().int().min(0).max(10).optional(),
  /** The setting before the number of hops could be set: true means the one proxy in front. */
  trustProxy: booleanFlag.optional(),
  /** pino level: fatal, error, warn, info, debug, trace or silent. */
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Prefix of every Redis key and channel this deployment uses, so deployments (and tests) can share one Redis. */
  redisPrefix: z
    .string()
    .regex(/^[\w.-]{1,40}$/, 'letters, digits, dot, dash or underscore (at most 40)')
    .default('cobrowse'),
  /** A subscriber whose undelivered messages pass this many bytes is cut off (SLOW_CONSUMER) and resyncs. */
  subscriberQueueBytes: z.coerce
    .number()
    .int()
    .min(65_536)
    .default(16 * 1024 * 1024),
  /** A WebSocket whose unsent bytes stay above this for `socketBufferGraceMs` is closed. */
  socketBufferBytes: z.coerce
    .number()
    .int()
    .min(65_536)
    .default(8 * 1024 * 1024),
  socketBufferGraceMs: z.coerce.number().int().min(100).default(10_000),
  /** Bytes of one GraphQL query's or mutation's JSON answer (both transports); past it RESPONSE_TOO_LARGE. */
  graphqlMaxResponseBytes: z.coerce
    .number()
    .int()
    .min(1024)
    .default(16 * 1024 * 1024),
  /** Requests (HTTP requests and WebSocket operations) one API key may make per minute, unless the key sets its own. */
  apiKeyRequestsPerMinute: z.coerce.number().int().min(1).default(600),
  /** Live subscriptions one WebSocket may hold (TOO_MANY_SUBSCRIPTIONS past it). */
  maxSubscriptionsPerSocket: z.coerce.number().int().min(1).max(1000).default(20),
  /** Open WebSockets from one client address; more are refused with HTTP 429. */
  maxSocketsPerAddress: z.coerce.number().int().min(1).default(500),
  /** Most messages one chat may hold (customer, agent and server messages together). */
  chatMaxMessages: z.coerce.number().int().min(10).max(100_000).default(500),
  /** Customer tabs one instance keeps reachable for agents' requests to co-browse; more are refused until some leave. */
  maxReachableCustomers: z.coerce.number().int().min(1).default(50_000),
  /** Seconds a customer has to answer an agent's request to co-browse. */
  invitationTtlSeconds: z.coerce.number().int().min(1).max(600).default(60),
  /** Requests to co-browse one agent may send per minute, and one customer may receive per ten minutes. */
  invitationsPerAgentPerMinute: z.coerce.number().int().min(1).default(10),
  invitationsPerCustomerPer10Minutes: z.coerce.number().int().min(1).default(3),
  /** A session no agent joined within this many seconds is refused on join and ended as `expired`. */
  waitingSessionTtlSeconds: z.coerce.number().int().min(1).default(600),
  /** How often each instance looks for expired waiting sessions to end. */
  waitingSessionSweepSeconds: z.coerce.number().int().min(1).default(60),
  /** Failed joins (unknown, ended, expired, taken codes) one agent / one address may make per 10 minutes before a lockout. */
  joinFailuresPerAgent: z.coerce.number().int().min(1).default(10),
  joinFailuresPerAddress: z.coerce.number().int().min(1).default(30),
  joinLockoutSeconds: z.coerce.number().int().min(1).default(900),
  /** Anonymous session starts per client address per minute. */
  startSessionsPerAddressPerMinute: z.coerce.number().int().min(1).default(20),
  /** Customer event batches per client address per minute (one session sends at most 30 a second). */
  sendEventsPerAddressPerMinute: z.coerce.number().int().min(1).default(10_000),
  /**
   * Recording bytes kept per session, counted as the events' JSON before compression (a batch that
   * compresses a thousandfold counts in full); past it the recording stops (the live stream goes on).
   */
  recordingMaxBytesPerSession: z.coerce
    .number()
    .int()
    .min(1024)
    .default(50 * 1024 * 1024),
  /** Largest font file a customer's browser may send for agents (ASSET_MAX_BYTES). */
  assetMaxBytes: z.coerce
    .number()
    .int()
    .min(1024)
    .default(2 * 1024 * 1024),
  /** Font bytes one site may have kept at once; past it files are refused and agents see fallbacks. */
  assetSiteQuotaBytes: z.coerce
    .number()
    .int()
    .min(1024)
    .default(50 * 1024 * 1024),
  /** Font files no session used for this many days are deleted. */
  assetExpiryDays: z.coerce.number().int().min(1).default(30),
  /** Recording bytes (uncompressed) all sessions together may keep; past it no session records more. */
  recordingMaxBytesPerSite: z.coerce
    .number()
    .int()
    .min(1024)
    .default(20 * 1024 * 1024 * 1024),
  /** Recording bytes (uncompressed) stored per hour for the sessions of one client address, and of one site origin. */
  recordingBytesPerAddressPerHour: z.coerce
    .number()
    .int()
    .min(1024)
    .default(200 * 1024 * 1024),
  recordingBytesPerOriginPerHour: z.coerce
    .number()
    .int()
    .min(1024)
    .default(4 * 1024 * 1024 * 1024),
  /** Sessions one client address, and one site origin, may start per hour (on top of the per-minute limit). */
  sessionStartsPerAddressPerHour: z.coerce.number().int().min(1).default(200),
  sessionStartsPerOriginPerHour: z.coerce.number().int().min(1).default(20_000),
  /** Page visits audited per session; past it one PAGE_VISITS_CAPPED row is written and later visits are not. */
  maxPageVisitsPerSession: z.coerce.number().int().min(1).max(100_000).default(500),
  /**
   * Upload-frame bytes per client address per minute, charged by the frame's length before it is
   * parsed (a frame refused here is never read).
   */
  uploadBytesPerAddressPerMinute: z.coerce
    .number()
    .int()
    .min(MAX_BATCH_BYTES)
    .default(512 * 1024 * 1024),
  /** Upload-frame bytes one socket may have waiting to be taken; past it the socket is closed (4829). */
  maxUploadBytesWaitingPerSocket: z.coerce
    .number()
    .int()
    .min(2 * MAX_BATCH_BYTES)
    .default(16 * 1024 * 1024),
  /** Open WebSockets one customer token (one session's customer) may hold; more are closed (4830) and retry. */
  maxSocketsPerCustomer: z.coerce.number().int().min(1).max(100).default(4),
  /** Audit rows one session may hold; past it agent actions are refused and page visits dropped (lifecycle events always written). */
  maxAuditEventsPerSession: z.coerce.number().int().min(10).max(10_000_000).default(10_000),
  /** Fire-and-forget audit events waiting (e.g. while the database is down) past which new ones are dropped and logged. */
  auditQueueMaxEvents: z.coerce.number().int().min(1).default(100_000),
  /**
   * The secret the audit hash chain and its head are keyed with (HMAC-SHA256); the same on every
   * instance, and kept: trails written under another key no longer verify.
   */
  auditChainKey: z.string().min(32, 'must be at least 32 characters (openssl rand -hex 32)').optional(),
  /**
   * Bearer token that opens GET /metrics on the main port (METRICS_TOKEN). Unset: /metrics is not
   * served there, only on `metricsPort` when that is set.
   */
  metricsToken: z.string().min(16, 'must be at least 16 characters').optional(),
  /** A second port serving only /metrics, bound to 127.0.0.1, without a token (METRICS_PORT). */
  metricsPort: z.coerce.number().int().min(0).max(65535).optional(),
  /** Session counts in the metrics are read from the database at most this often. */
  metricsRefreshSeconds: z.coerce.number().int().min(1).max(3600).default(15),
  /** A session whose customer has had no connection for this long ends with reason `timeout`. */
  customerGoneTimeoutSeconds: z.coerce.number().int().min(1).max(86_400).default(120),
  /** Webhooks may target private, loopback and link-local addresses (WEBHOOK_ALLOW_PRIVATE_TARGETS). */
  webhookAllowPrivateTargets: booleanFlag.default(false),
  /** Host names webhooks may target even when they resolve to private addresses (WEBHOOK_ALLOWED_PRIVATE_HOSTS). */
  webhookAllowedPrivateHosts: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((part) => part.trim().toLowerCase())
        .filter((part) => part !== ''),
    ),
  /** Webhook endpoints the site may have at once. */
  webhookMaxEndpoints: z.coerce.number().int().min(1).max(1000).default(20),
  /** One webhook attempt (connect, send, answer) is abandoned after this long. */
  webhookTimeoutMs: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /** Attempts per delivery before it is marked failed. */
  webhookMaxAttempts: z.coerce.number().int().min(1).max(20).default(8),
  /** Wait before the first retry; each later one waits three times longer (with the default, 8 attempts span about 18 hours). */
  webhookRetryBaseMs: z.coerce.number().int().min(1).default(60_000),
  /** How often each instance looks for due deliveries. */
  webhookPollIntervalMs: z.coerce.number().int().min(10).default(1000),
  /** Deliveries one instance sends at once. */
  webhookConcurrency: z.coerce.number().int().min(1).max(100).default(4),
});

type Settings = z.output<typeof settings>;

/** Everything the process is configured with; read from the environment only here. */
export type Config = Omit<
  Settings,
  'publicUrl' | 'trustProxy' | 'databaseUrl' | 'seedDemoUsers' | 'cookieSecure' | 'trustProxyHops' | 'auditChainKey'
> & {
  /**
   * The origin browsers reach this server at (PUBLIC_URL): its own pages (the demo) may start
   * sessions, and only they get the sign-in cookie read on a WebSocket. Never taken from a
   * request's Host or X-Forwarded-Proto, which any client writes. Unset: where it listens.
   */
  publicOrigin: string;
  databaseUrl: string;
  seedDemoUsers: boolean;
  cookieSecure: boolean;
  trustProxyHops: number;
  /** AUDIT_CHAIN_KEY, or DEV_AUDIT_CHAIN_KEY where none is required. */
  auditChainKey: string;
  /** `npm run dev`: Next.js hot reload. */
  dev: boolean;
};

/** The environment variable a setting is read from. */
export const envNameOf = (setting: string): string => setting.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase();

/** Thrown when the environment holds a bad value; the message names every bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and validates the configuration; `overrides` win over the environment. */
export function readConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<Config> = {}): Config {
  const input = Object.fromEntries(
    Object.keys(settings.shape)
      .map((setting) => [setting, env[envNameOf(setting)]])
      .filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = settings.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `  ${[envNameOf(String(issue.path[0])), ...issue.path.slice(1)].join('.')}: ${issue.message}`,
    );
    throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  }
  const { publicUrl, trustProxy, ...values } = parsed.data;
  // The quick start (`npm start` with nothing set) runs on http://localhost with a SQLite file:
  // friendly defaults there; any configured database is treated as a real deployment.
  const embeddedDefault = values.databaseUrl === undefined;
  const dev = overrides.dev ?? false;
  const auditChainKey = overrides.auditChainKey ?? values.auditChainKey;
  if (auditChainKey === undefined && env.NODE_ENV === 'production' && !embeddedDefault) {
    throw new ConfigError(
      'Invalid configuration:\n  AUDIT_CHAIN_KEY: required in production with a configured database (openssl rand -hex 32); the audit trail is keyed with it',
    );
  }
  return {
    ...values,
    // Port 0 takes a free port: start-server puts the one it got in this default once it has it.
    publicOrigin: publicUrl ?? listeningUrl(overrides.host ?? values.host, overrides.port ?? values.port),
    databaseUrl: values.databaseUrl ?? DEFAULT_DATABASE_URL,
    seedDemoUsers: values.seedDemoUsers ?? embeddedDefault,
    // auto: Secure on a real deployment (served over HTTPS); not on the quick start or in dev.
    cookieSecure: values.cookieSecure === 'auto' ? !embeddedDefault && !dev : values.cookieSecure === 'true',
    // TRUST_PROXY=true, from before the number of hops could be set, means the one proxy in front.
    trustProxyHops: values.trustProxyHops ?? (trustProxy ? 1 : 0),
    auditChainKey: auditChainKey ?? DEV_AUDIT_CHAIN_KEY,
    dev,
    ...overrides,
  };
}
