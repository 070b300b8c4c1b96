import type { PrismaClient, UserRow } from '../core/db/index.ts';
import { hashToken, newToken } from './tokens.ts';

export const AUTH_COOKIE = 'cobrowse_auth';
/**
 * The sign-in cookie of the embeddable agent view, for a CRM on another site that frames it.
 * Browsers do not send the SameSite=Lax sign-in cookie in a frame under another site, and a
 * SameSite=None one would ride along on any site's requests. This one is partitioned (CHIPS):
 * the browser keeps it per top-level site and sends it only in frames under the site it was set
 * under — the CRM where the agent signed in inside the frame — even where third-party cookies
 * are blocked. The server honours it only on requests the frame itself makes (embed-cookie.ts).
 */
export const EMBED_AUTH_COOKIE = 'cobrowse_embed';
export const AUTH_SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** Signs a user in on one browser; returns the cookie token. */
export async function createAuthSession(db: PrismaClient, userId: string): Promise<string> {
  const token = newToken();
  await db.authSession.create({
    data: { userId, tokenHash: hashToken(token), expiresAt: new Date(Date.now() + AUTH_SESSION_TTL_MS) },
  });
  return token;
}

/** The user a cookie token belongs to and when that sign-in ends, if it is known and not expired. */
export async function findAuthSession(db: PrismaClient, token: string | undefined): Promise<{ user: UserRow; expiresAt: Date } | null> {
  if (!token) return null;
  const found = await db.authSession.findUnique({ where: { tokenHash: hashToken(token) }, include: { user: true } });
  if (!found || found.expiresAt.getTime() <= Date.now()) return null;
  return { user: found.user, expiresAt: found.expiresAt };
}

/** The user a cookie token belongs to, if it is known and not expired. */
export async function findUserByAuthToken(db: PrismaClient, token: string | undefined): Promise<UserRow | null> {
  return (await findAuthSession(db, token))?.user ?? null;
}

export async function deleteAuthSession(db: PrismaClient, token: string | undefined): Promise<void> {
  if (token) await db.authSession.deleteMany({ where: { tokenHash: hashToken(token) } });
}

/**
 * The Set-Cookie value for a signed-in browser (or a cleared one when token is null). `secure`
 * comes from configuration (COOKIE_SECURE), never from a request header a client could forge.
 */
export function authCookie(token: string | null, secure: boolean): string {
  const parts = [
    `${AUTH_COOKIE}=${token ?? ''}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    token ? `Max-Age=${AUTH_SESSION_TTL_MS / 1000}` : 'Max-Age=0',
  ];
  if (secure) parts.push('Secure');
  return parts.join('; ');
}

/**
 * The Set-Cookie value for a sign-in inside the embedded agent view (or a cleared one when token
 * is null). SameSite=None requires Secure; browsers accept Secure cookies from http://localhost
 * too, so this works in development without TLS.
 */
export function embedAuthCookie(token: string | null): string {
  return [
    `${EMBED_AUTH_COOKIE}=${token ?? ''}`,
    'Path=/',
    'HttpOnly',
    'Secure',
    'SameSite=None',
    'Partitioned',
    token ? `Max-Age=${AUTH_SESSION_TTL_MS / 1000}` : 'Max-Age=0',
  ].join('; ');
}
