import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import bcrypt from 'bcryptjs';

/**
 * Longest password accepted anywhere (sign-in, create, reset). scrypt has no 72-byte cut-off like
 * bcrypt, but an unbounded input would still let a caller make the server hash megabytes.
 */
export const MAX_PASSWORD_LENGTH = 1024;

/** Go's x/crypto/scrypt recommendation for interactive logins: 32 MiB and ~50–100 ms per hash. */
const COST = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** Never trust a stored hash to pick an unbounded cost (it would stall the thread pool). */
const MAX_N = 2 ** 20;

const derive = (plain: string, salt: Buffer, cost: { N: number; r: number; p: number }) =>
  new Promise<Buffer>((resolve, reject) => {
    const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r + 1024 * 1024 };
    scrypt(plain.normalize('NFKC'), salt, KEY_BYTES, options, (error, key) => (error ? reject(error) : resolve(key)));
  });

/** A self-describing scrypt hash: `scrypt$N$r$p$salt$hash` (salt and hash in base64url). */
export async function hashPassword(plain: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(plain, salt, COST);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export interface PasswordCheck {
  valid: boolean;
  /** The hash is an older kind (bcrypt) or weaker parameters: store a fresh one after a good sign-in. */
  needsRehash: boolean;
}

/** Checks a password against a scrypt hash, or a bcrypt hash from before scrypt. */
export async function verifyPassword(plain: string, stored: string): Promise<PasswordCheck> {
  if (stored.startsWith('$2')) return { valid: await bcrypt.compare(plain, stored), needsRehash: true };
  const parsed = parseScrypt(stored);
  if (!parsed) return { valid: false, needsRehash: false };
  const key = await derive(plain, parsed.salt, parsed.cost);
  const valid = key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
  const { N, r, p } = parsed.cost;
  return { valid, needsRehash: N !== COST.N || r !== COST.r || p !== COST.p };
}

function parseScrypt(stored: string) {
  const [kind, n, r, p, salt, key] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !key) return null;
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  const sane = [cost.N, cost.r, cost.p].every((value) => Number.isInteger(value) && value > 0) && cost.N <= MAX_N && cost.r * cost.p <= 64;
  return sane ? { cost, salt: Buffer.from(salt, 'base64url'), key: Buffer.from(key, 'base64url') } : null;
}

let dummy: Promise<string> | undefined;

/**
 * A hash of nothing anyone knows, checked when the email is unknown, so a wrong email takes as
 * long as a wrong password and sign-in timing does not tell which accounts exist.
 */
export const dummyPasswordHash = (): Promise<string> => (dummy ??= hashPassword(randomBytes(16).toString('base64url')));
