import { z } from 'zod';

/** Everything the process is configured with; read from the environment only here. */
export interface Config {
  port: number;
  host: string;
  /**
   * The origin browsers reach this server at (PUBLIC_URL): its own pages (the demo) may start
   * sessions, and only they get the sign-in cookie read on a WebSocket. Never taken from a
   * request's Host or X-Forwarded-Proto, which any client writes. Unset: where it listens.
   */
  publicOrigin: string;
  databaseUrl: string;
  redisUrl: string | undefined;
  /** Extra origins whose pages may start sessions; the server's own origin (the demo) always may. */
  allowedOrigins: string[];
  /**
   * Whether an empty database gets the demo users (published password): SEED_DEMO_USERS, or when
   * unset, only on the quick start's embedded default (DATABASE_URL unset). Otherwise an empty
   * database gets one admin (`adminEmail`) with a random password printed once in the log.
   */
  seedDemoUsers: boolean;
  /** The first admin's email on an empty database without demo users. */
  adminEmail: string;
  /** The Secure flag of the sign-in cookie (COOKIE_SECURE); never taken from a request header. */
  cookieSecure: boolean;
  /**
   * Reverse proxies in front of the server that each append the address they saw to
   * X-Forwarded-For (TRUST_PROXY_HOPS); 0: the socket's peer is the client. Rate limits count per client address.
   */
  trustProxyHops: number;
  /** Prefix of every Redis key and channel this deployment uses, so deployments (and tests) can share one Redis. */
  redisPrefix: string;
  /** pino level: fatal, error, warn, info, debug, trace or silent. */
  logLevel: string;
  /** A subscriber whose undelivered messages pass this many bytes is cut off (SLOW_CONSUMER) and resyncs. */
  subscriberQueueBytes: number;
  /** A WebSocket whose unsent bytes stay above this for `socketBufferGraceMs` is closed. */
  socketBufferBytes: number;
  socketBufferGraceMs: number;
  /** Live subscriptions one WebSocket may hold (TOO_MANY_SUBSCRIPTIONS past it). */
  maxSubscriptionsPerSocket: number;
  /** Open WebSockets from one client address; more are refused with HTTP 429. */
  maxSocketsPerAddress: number;
  /** Most messages one chat may hold (customer, agent and server messages together). */
  chatMaxMessages: number;
  /** A session no agent joined within this many seconds is refused on join and ended as `expired`. */
  waitingSessionTtlSeconds: number;
  /** How often each instance looks for expired waiting sessions to end. */
  waitingSessionSweepSeconds: number;
  /** Failed joins (unknown, ended, expired, taken codes) one agent / one address may make per 10 minutes before a lockout. */
  joinFailuresPerAgent: number;
  joinFailuresPerAddress: number;
  joinLockoutSeconds: number;
  /** Anonymous session starts per client address per minute. */
  startSessionsPerAddressPerMinute: number;
  /** Customer event batches per client address per minute (one session sends at most 30 a second). */
  sendEventsPerAddressPerMinute: number;
  /** Compressed recording bytes kept per session; past it the recording stops (the live stream goes on). */
  recordingMaxBytesPerSession: number;
  /** Audit rows one session may hold; past it agent actions are refused and page visits dropped (lifecycle events always written). */
  maxAuditEventsPerSession: number;
  /** Fire-and-forget audit events waiting (e.g. while the database is down) past which new ones are dropped and logged. */
  auditQueueMaxEvents: number;
  /** A session whose customer has had no connection for this long ends with reason `timeout`. */
  customerGoneTimeoutSeconds: number;
  /** Webhooks may target private, loopback and link-local addresses (WEBHOOK_ALLOW_PRIVATE_TARGETS). */
  webhookAllowPrivateTargets: boolean;
  /** Host names webhooks may target even when they resolve to private addresses (WEBHOOK_ALLOWED_PRIVATE_HOSTS). */
  webhookAllowedPrivateHosts: string[];
  /** Webhook endpoints the site may have at once. */
  webhookMaxEndpoints: number;
  /** One webhook attempt (connect, send, answer) is abandoned after this long. */
  webhookTimeoutMs: number;
  /** Attempts per delivery before it is marked failed. */
  webhookMaxAttempts: number;
  /** Wait before the first retry; each later one waits three times longer (with the default, 8 attempts span about 18 hours). */
  webhookRetryBaseMs: number;
  /** How often each instance looks for due deliveries. */
  webhookPollIntervalMs: number;
  /** Deliveries one instance sends at once. */
  webhookConcurrency: number;
  dev: boolean;
}

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

/** The quick start's embedded SQLite file, used when DATABASE_URL is unset. */
export const DEFAULT_DATABASE_URL = 'file:./data/cobrowse.db';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const environment = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_URL: origin.optional(),
  DATABASE_URL: z
    .string()
    .regex(/^(file:|postgres(ql)?:\/\/)/, 'must start with file: (SQLite) or postgres:// (PostgreSQL)')
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((value) => value.split(',').filter((part) => part.trim() !== ''))
    .pipe(z.array(origin)),
  SEED_DEMO_USERS: booleanFlag.optional(),
  ADMIN_EMAIL: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'must be an email address such as admin@company.com')
    .default('admin@cobrowse.local'),
  COOKIE_SECURE: z.enum(['auto', 'true', 'false'], { message: 'must be auto, true or false' }).default('auto'),
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).optional(),
  TRUST_PROXY: booleanFlag.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REDIS_PREFIX: z
    .string()
    .regex(/^[\w.-]{1,40}$/, 'letters, digits, dot, dash or underscore (at most 40)')
    .default('cobrowse'),
  SUBSCRIBER_QUEUE_BYTES: z.coerce
    .number()
    .int()
    .min(65_536)
    .default(16 * 1024 * 1024),
  SOCKET_BUFFER_BYTES: z.coerce
    .number()
    .int()
    .min(65_536)
    .default(8 * 1024 * 1024),
  SOCKET_BUFFER_GRACE_MS: z.coerce.number().int().min(100).default(10_000),
  MAX_SUBSCRIPTIONS_PER_SOCKET: z.coerce.number().int().min(1).max(1000).default(20),
  MAX_SOCKETS_PER_ADDRESS: z.coerce.number().int().min(1).default(500),
  CHAT_MAX_MESSAGES: z.coerce.number().int().min(10).max(100_000).default(500),
  WAITING_SESSION_TTL_SECONDS: z.coerce.number().int().min(1).default(600),
  WAITING_SESSION_SWEEP_SECONDS: z.coerce.number().int().min(1).default(60),
  JOIN_FAILURES_PER_AGENT: z.coerce.number().int().min(1).default(10),
  JOIN_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).default(30),
  JOIN_LOCKOUT_SECONDS: z.coerce.number().int().min(1).default(900),
  START_SESSIONS_PER_ADDRESS_PER_MINUTE: z.coerce.number().int().min(1).default(20),
  SEND_EVENTS_PER_ADDRESS_PER_MINUTE: z.coerce.number().int().min(1).default(10_000),
  RECORDING_MAX_BYTES_PER_SESSION: z.coerce
    .number()
    .int()
    .min(1024)
    .default(50 * 1024 * 1024),
  MAX_AUDIT_EVENTS_PER_SESSION: z.coerce.number().int().min(10).max(10_000_000).default(10_000),
  AUDIT_QUEUE_MAX_EVENTS: z.coerce.number().int().min(1).default(100_000),
  CUSTOMER_GONE_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(86_400).default(120),
  WEBHOOK_ALLOW_PRIVATE_TARGETS: booleanFlag.default(false),
  WEBHOOK_ALLOWED_PRIVATE_HOSTS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((part) => part.trim().toLowerCase())
        .filter((part) => part !== ''),
    ),
  WEBHOOK_MAX_ENDPOINTS: z.coerce.number().int().min(1).max(1000).default(20),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(8),
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(1).default(60_000),
  WEBHOOK_POLL_INTERVAL_MS: z.coerce.number().int().min(10).default(1000),
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(4),
});

/** Thrown when the environment holds a bad value; the message names every bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and validates the configuration; `overrides` win over the environment. */
export function readConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<Config> = {}): Config {
  const blankAsUnset = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = environment.safeParse(blankAsUnset);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  }
  const values = parsed.data;
  // The quick start (`npm start` with nothing set) runs on http://localhost with a SQLite file:
  // friendly defaults there; any configured database is treated as a real deployment.
  const embeddedDefault = values.DATABASE_URL === undefined;
  const dev = overrides.dev ?? false;
  return {
    port: values.PORT,
    host: values.HOST,
    // Port 0 takes a free port: start-server puts the one it got in this default once it has it.
    publicOrigin: values.PUBLIC_URL ?? listeningUrl(overrides.host ?? values.HOST, overrides.port ?? values.PORT),
    databaseUrl: values.DATABASE_URL ?? DEFAULT_DATABASE_URL,
    redisUrl: values.REDIS_URL,
    allowedOrigins: values.ALLOWED_ORIGINS,
    seedDemoUsers: values.SEED_DEMO_USERS ?? embeddedDefault,
    adminEmail: values.ADMIN_EMAIL,
    // auto: Secure on a real deployment (served over HTTPS); not on the quick start or in dev.
    cookieSecure: values.COOKIE_SECURE === 'auto' ? !embeddedDefault && !dev : values.COOKIE_SECURE === 'true',
    // TRUST_PROXY=true, from before the number of hops could be set, means the one proxy in front.
    trustProxyHops: values.TRUST_PROXY_HOPS ?? (values.TRUST_PROXY ? 1 : 0),
    redisPrefix: values.REDIS_PREFIX,
    logLevel: values.LOG_LEVEL,
    subscriberQueueBytes: values.SUBSCRIBER_QUEUE_BYTES,
    socketBufferBytes: values.SOCKET_BUFFER_BYTES,
    socketBufferGraceMs: values.SOCKET_BUFFER_GRACE_MS,
    maxSubscriptionsPerSocket: values.MAX_SUBSCRIPTIONS_PER_SOCKET,
    maxSocketsPerAddress: values.MAX_SOCKETS_PER_ADDRESS,
    chatMaxMessages: values.CHAT_MAX_MESSAGES,
    waitingSessionTtlSeconds: values.WAITING_SESSION_TTL_SECONDS,
    waitingSessionSweepSeconds: values.WAITING_SESSION_SWEEP_SECONDS,
    joinFailuresPerAgent: values.JOIN_FAILURES_PER_AGENT,
    joinFailuresPerAddress: values.JOIN_FAILURES_PER_ADDRESS,
    joinLockoutSeconds: values.JOIN_LOCKOUT_SECONDS,
    startSessionsPerAddressPerMinute: values.START_SESSIONS_PER_ADDRESS_PER_MINUTE,
    sendEventsPerAddressPerMinute: values.SEND_EVENTS_PER_ADDRESS_PER_MINUTE,
    recordingMaxBytesPerSession: values.RECORDING_MAX_BYTES_PER_SESSION,
    maxAuditEventsPerSession: values.MAX_AUDIT_EVENTS_PER_SESSION,
    auditQueueMaxEvents: values.AUDIT_QUEUE_MAX_EVENTS,
    customerGoneTimeoutSeconds: values.CUSTOMER_GONE_TIMEOUT_SECONDS,
    webhookAllowPrivateTargets: values.WEBHOOK_ALLOW_PRIVATE_TARGETS,
    webhookAllowedPrivateHosts: values.WEBHOOK_ALLOWED_PRIVATE_HOSTS,
    webhookMaxEndpoints: values.WEBHOOK_MAX_ENDPOINTS,
    webhookTimeoutMs: values.WEBHOOK_TIMEOUT_MS,
    webhookMaxAttempts: values.WEBHOOK_MAX_ATTEMPTS,
    webhookRetryBaseMs: values.WEBHOOK_RETRY_BASE_MS,
    webhookPollIntervalMs: values.WEBHOOK_POLL_INTERVAL_MS,
    webhookConcurrency: values.WEBHOOK_CONCURRENCY,
    dev,
    ...overrides,
  };
}
