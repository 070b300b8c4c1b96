import type { PrismaClient } from '../core/db/index.ts';
import { hashToken, newToken } from './tokens.ts';

/** Keys look like `cbk_…` so they are easy to spot in logs and secret scanners. */
const KEY_PREFIX = 'cbk_';
/** How many characters of a key are kept in clear, to tell keys apart in lists. */
const SHOWN_CHARACTERS = 8;
/** `lastUsedAt` is written at most this often per key, not on every request. */
const TOUCH_INTERVAL_MS = 60_000;
const MAX_NAME_LENGTH = 80;

export type ApiKeyRow = Awaited<ReturnType<PrismaClient['apiKey']['findUniqueOrThrow']>>;

/** Why a key name is refused, or null when it is fine. */
export function apiKeyNameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (!trimmed) return 'Give the key a name, such as the system that will use it.';
  if (trimmed.length > MAX_NAME_LENGTH) return `A key name has at most ${MAX_NAME_LENGTH} characters.`;
  return null;
}

/** A new read-only key for a third-party system. The key itself is returned once and only its hash is stored. */
export async function createApiKey(db: PrismaClient, name: string, createdById: string): Promise<{ key: string; row: ApiKeyRow }> {
  const key = KEY_PREFIX + newToken();
  const row = await db.apiKey.create({
    data: { name: name.trim(), prefix: key.slice(0, KEY_PREFIX.length + SHOWN_CHARACTERS), keyHash: hashToken(key), createdById },
  });
  return { key, row };
}

export const listApiKeys = (db: PrismaClient) => db.apiKey.findMany({ orderBy: { createdAt: 'desc' } });

/** Revokes a key for good; revoking twice keeps the first time. */
export async function revokeApiKey(db: PrismaClient, id: string): Promise<ApiKeyRow | null> {
  const key = await db.apiKey.findUnique({ where: { id } });
  if (!key || key.revokedAt) return key;
  return db.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
}

/** The live key matching what a client presented, or null; notes when it was last used. */
export async function findApiKey(db: PrismaClient, presented: string): Promise<ApiKeyRow | null> {
  if (!presented.startsWith(KEY_PREFIX)) return null;
  const key = await db.apiKey.findUnique({ where: { keyHash: hashToken(presented) } });
  if (!key || key.revokedAt) return null;
  if (!key.lastUsedAt || Date.now() - key.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
    await db.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: new Date() } });
  }
  return key;
}
