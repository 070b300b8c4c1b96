import { topics, type PubSub } from '../core/pubsub/index.ts';

/**
 * Credentials that stopped being valid (or whose rights changed), announced to every instance so
 * open WebSockets admitted with them are closed — a socket resolves its caller only at connect.
 */
export type Revocation =
  /** One browser signed out: its cookie's hash. */
  | { kind: 'signed-out'; authTokenHash: string }
  /** Every sign-in of a user ended, except the browser that made the change (an admin resetting their own password). */
  | { kind: 'password-reset'; userId: string; keepAuthTokenHash?: string }
  /** The user is still signed in but holds other rights: sockets reconnect to pick them up. */
  | { kind: 'role-changed'; userId: string }
  | { kind: 'api-key-revoked'; apiKeyId: string };

/**
 * Publishes a revocation after the change is committed. A lost message is logged, not thrown: the
 * change itself is done, and every socket re-checks its credentials per operation anyway.
 */
export async function announceRevocation(pubsub: PubSub, revocation: Revocation): Promise<void> {
  await pubsub.publish(topics.authRevocations, revocation).catch((error: unknown) => console.error('revocation not published', error));
}

const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0 && value.length <= 200;

/** A revocation read off the pub/sub (another instance, or Redis), or null when malformed. */
export function parseRevocation(message: unknown): Revocation | null {
  if (typeof message !== 'object' || message === null) return null;
  const m = message as Record<string, unknown>;
  switch (m.kind) {
    case 'signed-out':
      return isText(m.authTokenHash) ? { kind: m.kind, authTokenHash: m.authTokenHash } : null;
    case 'password-reset':
      if (!isText(m.userId)) return null;
      return { kind: m.kind, userId: m.userId, ...(isText(m.keepAuthTokenHash) && { keepAuthTokenHash: m.keepAuthTokenHash }) };
    case 'role-changed':
      return isText(m.userId) ? { kind: m.kind, userId: m.userId } : null;
    case 'api-key-revoked':
      return isText(m.apiKeyId) ? { kind: m.kind, apiKeyId: m.apiKeyId } : null;
    default:
      return null;
  }
}
