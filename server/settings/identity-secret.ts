import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '../core/db/index.ts';

const SITE = 'site';
/** Secrets look like `cbid_…` so they are easy to spot in logs and secret scanners. */
const SECRET_PREFIX = 'cbid_';

/**
 * The secret the site's backend signs customer identities with, or null when none was
 * generated. It is the HMAC key itself, so the server keeps it; admins see it only once.
 */
export async function loadIdentitySecret(db: PrismaClient): Promise<string | null> {
  const row = await db.identitySecret.findUnique({ where: { id: SITE } });
  return row?.secret ?? null;
}

/** When the current secret was generated, or null when there is none (what admins see afterwards). */
export async function identitySecretCreatedAt(db: PrismaClient): Promise<Date | null> {
  const row = await db.identitySecret.findUnique({ where: { id: SITE }, select: { createdAt: true } });
  return row?.createdAt ?? null;
}

/** A new secret (admins only; checked by the caller); identities signed with the old one turn unverified at once. */
export async function rotateIdentitySecret(db: PrismaClient): Promise<{ secret: string; createdAt: Date }> {
  const secret = SECRET_PREFIX + randomBytes(32).toString('base64url');
  const createdAt = new Date();
  await db.identitySecret.upsert({ where: { id: SITE }, create: { id: SITE, secret, createdAt }, update: { secret, createdAt } });
  return { secret, createdAt };
}

/** Removes the secret: every identity is shown as unverified from then on. */
export async function removeIdentitySecret(db: PrismaClient): Promise<void> {
  await db.identitySecret.deleteMany({ where: { id: SITE } });
}
