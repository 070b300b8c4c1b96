import { createHmac, timingSafeEqual } from 'node:crypto';

/** Longer tokens are refused unread: a signed identity is a few hundred characters. */
export const MAX_IDENTITY_TOKEN_LENGTH = 4096;

/** Why a signed identity was not accepted; shown in the server log, never to the customer. */
export type IdentityRejection = 'malformed' | 'algorithm' | 'no-secret' | 'signature' | 'expired' | 'audience';

export type IdentityCheck = { ok: true; claims: Record<string, unknown> } | { ok: false; reason: IdentityRejection; claims: unknown };

const decodePart = (part: string): unknown => {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
  } catch {
    return null;
  }
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks a customer identity signed by the site's backend: a JWT (HS256) whose signature is the
 * HMAC-SHA256 of `header.payload` under the site's identity secret. It must carry `exp` (seconds
 * since 1970, in the future) and `aud`, the origin of the page that starts the session, so a token
 * cannot be replayed for long or from another site. `claims` is what the token says even when it
 * fails, so the identity can still be shown — as unverified.
 */
export function checkIdentityToken(token: string, secret: string | null, origin: string, now = Date.now()): IdentityCheck {
  const parts = token.length <= MAX_IDENTITY_TOKEN_LENGTH ? token.split('.') : [];
  if (parts.length !== 3) return { ok: false, reason: 'malformed', claims: null };
  const [header, payload, signature] = parts as [string, string, string];
  const claims = decodePart(payload);
  const fail = (reason: IdentityRejection): IdentityCheck => ({ ok: false, reason, claims });
  const head = decodePart(header);
  if (!isObject(claims) || !isObject(head)) return fail('malformed');
  // Only HS256: "none" or an algorithm chosen by the token must never decide how it is checked.
  if (head.alg !== 'HS256') return fail('algorithm');
  if (!secret) return fail('no-secret');
  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return fail('signature');
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= now) return fail('expired');
  const audiences = Array.isArray(claims.aud) ? (claims.aud as unknown[]) : [claims.aud];
  if (!audiences.includes(origin)) return fail('audience');
  return { ok: true, claims };
}

/** Signs claims as the site's backend would (tests and the documented example do the same). */
export function signIdentityToken(claims: Record<string, unknown>, secret: string): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}
