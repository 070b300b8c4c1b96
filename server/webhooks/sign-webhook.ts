import { createHmac, randomBytes } from 'node:crypto';

/** Secrets look like `whsec_…` so they are easy to spot in logs and secret scanners. */
export const SECRET_PREFIX = 'whsec_';
/** How many characters of a secret are kept for lists (the prefix and 4 more). */
export const SHOWN_SECRET_CHARACTERS = SECRET_PREFIX.length + 4;

/** A new signing secret: `whsec_` and 32 random bytes, base64url. */
export const newWebhookSecret = (): string => SECRET_PREFIX + randomBytes(32).toString('base64url');

/** The signature of one attempt: hex HMAC-SHA256, keyed with the whole secret, over `${timestamp}.${body}`. */
export const webhookSignature = (secret: string, timestamp: number, body: string): string =>
  createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');

/** The `Cobrowse-Signature` header: `t=<unix seconds>,v1=<hex signature>`. */
export const signatureHeader = (secret: string, timestamp: number, body: string): string =>
  `t=${timestamp},v1=${webhookSignature(secret, timestamp, body)}`;
