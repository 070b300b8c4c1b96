import { createHash, randomBytes } from 'node:crypto';

/** A random secret for a cookie or a customer; only its hash is stored. */
export const newToken = (): string => randomBytes(32).toString('base64url');

/** SHA-256 of a token: enough for random 256-bit secrets (no salt or slow hash needed). */
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');
