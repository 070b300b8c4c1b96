import type { Config } from '../core/config.ts';
import type { PrismaClient } from '../core/db/index.ts';
import { AppError, ErrorCode, forbidden, rateLimited } from '../core/errors.ts';
import type { RateLimits } from '../limits/rate-limiter.ts';
import { hashToken, newToken } from './tokens.ts';
import type { Viewer } from './viewer.ts';

/** Keys look like `cbk_…` so they are easy to spot in logs and secret scanners. */
const KEY_PREFIX = 'cbk_';
/** How many characters of a key are kept in clear, to tell keys apart in lists. */
const SHOWN_CHARACTERS = 8;
/** `lastUsedAt` is written at most this often per key, not on every request. */
const TOUCH_INTERVAL_MS = 60_000;
const MAX_NAME_LENGTH = 80;
const MAX_REQUESTS_PER_MINUTE = 100_000;

/**
 * What a key may read. Keys are read-only whatever their scopes; each scope opens one part of the
 * API: sessions (history, stats, agents, a session and its recording), their audit trail, chats.
 */
export const API_KEY_SCOPES = ['SESSIONS_READ', 'AUDIT_READ', 'CHATS_READ'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
/** Stored as one comma-separated column (SQLite has no lists); keys made before scopes existed hold all three. */
const SCOPE_SEPARATOR = ',';

export type ApiKeyRow = Awaited<ReturnType<PrismaClient['apiKey']['findUniqueOrThrow']>>;

export interface NewApiKey {
  name: string;
  scopes: readonly string[];
  /** When it stops working; null: never. */
  expiresAt: Date | null;
  /** Its own per-minute limit; null: the deployment's API_KEY_REQUESTS_PER_MINUTE. */
  requestsPerMinute: number | null;
}

const isScope = (value: string): value is ApiKeyScope => (API_KEY_SCOPES as readonly string[]).includes(value);

/** A row's scopes, in the order of API_KEY_SCOPES. */
export const scopesOf = (row: Pick<ApiKeyRow, 'scopes'>): ApiKeyScope[] => {
  const held = new Set(row.scopes.split(SCOPE_SEPARATOR));
  return API_KEY_SCOPES.filter((scope) => held.has(scope));
};

/** Why a new key is refused, or null when it is fine. */
export function apiKeyProblem(input: NewApiKey, now = new Date()): string | null {
  const trimmed = input.name.trim();
  if (!trimmed) return 'Give the key a name, such as the system that will use it.';
  if (trimmed.length > MAX_NAME_LENGTH) return `A key name has at most ${MAX_NAME_LENGTH} characters.`;
  if (input.scopes.length === 0) return 'Give the key at least one scope.';
  const unknown = input.scopes.find((scope) => !isScope(scope));
  if (unknown) return `Unknown scope ${unknown}; scopes are ${API_KEY_SCOPES.join(', ')}.`;
  if (input.expiresAt && (Number.isNaN(input.expiresAt.getTime()) || input.expiresAt <= now)) return 'The expiry must be in the future.';
  const rate = input.requestsPerMinute;
  if (rate !== null && (!Number.isInteger(rate) || rate < 1 || rate > MAX_REQUESTS_PER_MINUTE))
    return `Requests per minute must be a whole number from 1 to ${MAX_REQUESTS_PER_MINUTE}.`;
  return null;
}

/** A new read-only key for a third-party system. The key itself is returned once and only its hash is stored. */
export async function createApiKey(db: PrismaClient, input: NewApiKey, createdById: string): Promise<{ key: string; row: ApiKeyRow }> {
  const key = KEY_PREFIX + newToken();
  const scopes = API_KEY_SCOPES.filter((scope) => input.scopes.includes(scope));
  const row = await db.apiKey.create({
    data: {
      name: input.name.trim(),
      prefix: key.slice(0, KEY_PREFIX.length + SHOWN_CHARACTERS),
      keyHash: hashToken(key),
      createdById,
      scopes: scopes.join(SCOPE_SEPARATOR),
      expiresAt: input.expiresAt,
      requestsPerMinute: input.requestsPerMinute,
    },
  });
  return { key, row };
}

/** One page of keys, newest first (`take`, and `cursor`/`skip` after a key). */
export const listApiKeys = (db: PrismaClient, page: { take: number; cursor?: { id: string }; skip?: number }) =>
  db.apiKey.findMany({ orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], ...page });

/** Revokes a key for good; revoking twice keeps the first time. */
export async function revokeApiKey(db: PrismaClient, id: string): Promise<ApiKeyRow | null> {
  const key = await db.apiKey.findUnique({ where: { id } });
  if (!key || key.revokedAt) return key;
  return db.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
}

export type FoundApiKey = { status: 'valid'; key: ApiKeyRow } | { status: 'expired'; key: ApiKeyRow } | { status: 'invalid' };

/** The key matching what a client presented: valid (its last use noted), expired, or invalid (unknown or revoked). */
export async function findApiKey(db: PrismaClient, presented: string, now = new Date()): Promise<FoundApiKey> {
  if (!presented.startsWith(KEY_PREFIX)) return { status: 'invalid' };
  const key = await db.apiKey.findUnique({ where: { keyHash: hashToken(presented) } });
  if (!key || key.revokedAt) return { status: 'invalid' };
  if (key.expiresAt && key.expiresAt <= now) return { status: 'expired', key };
  if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
    await db.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: now } });
  }
  return { status: 'valid', key };
}

/**
 * Spends one of the key's requests for this minute (an HTTP request, or an operation on a
 * WebSocket); RATE_LIMITED (HTTP 429, with retryAfterSeconds) once they are spent.
 */
export async function chargeApiKey(deps: { limits: RateLimits; config: Config }, viewer: Viewer): Promise<void> {
  if (!viewer.apiKeyId) return;
  const perMinute = viewer.apiKeyRequestsPerMinute ?? deps.config.apiKeyRequestsPerMinute;
  // One limiter per rate, so keys with different limits never share a rule; each key counts on its own.
  const limiter = deps.limits.limiter(`api-key-${perMinute}`, { points: perMinute, durationSeconds: 60 });
  try {
    await limiter.consume(viewer.apiKeyId);
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== ErrorCode.RATE_LIMITED) throw error;
    throw rateLimited(
      `This API key is over its limit of ${perMinute} requests a minute; try again in ${error.retryAfterSeconds ?? 60} s.`,
      error.retryAfterSeconds ?? 60,
    );
  }
}

/**
 * Refuses an API key that lacks `scope` (a clear FORBIDDEN naming the scope); callers that are
 * not API keys pass through, for their role checks.
 */
export function requireApiKeyScope(viewer: Viewer, scope: ApiKeyScope): void {
  if (!viewer.apiKeyId || viewer.user) return;
  if (!viewer.apiKeyScopes?.includes(scope)) throw forbidden(`This API key lacks the ${scope} scope, which this field needs.`);
}
