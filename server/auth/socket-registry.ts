import { CloseCode } from 'graphql-ws';
import type { PrismaClient } from '../core/db/index.ts';
import type { PubSub } from '../core/pubsub/index.ts';
import type { Viewer } from './viewer.ts';
import { forbidden, unauthenticated, type AppError } from '../core/errors.ts';
import { topics, type Unsubscribe } from '../core/pubsub/pubsub.ts';
import { findAuthSession } from './auth-sessions.ts';
import { parseRevocation, type Revocation } from './revocations.ts';
import { hashToken } from './tokens.ts';

/** The little of a WebSocket the registry needs (ws's WebSocket fits). */
export interface RevocableSocket {
  close(code: number, reason: string): void;
}

/**
 * Why a socket is closed. 4401 (graphql-ws: Unauthorized) is final — the credentials are gone and
 * clients do not reconnect with them; 4403 (Forbidden) lets a client reconnect and be admitted
 * afresh with the rights it holds now.
 */
export const RightsCloseCode = {
  SIGNED_OUT: { code: CloseCode.Unauthorized, reason: 'Signed out' },
  EXPIRED: { code: CloseCode.Unauthorized, reason: 'Sign-in expired' },
  KEY_REVOKED: { code: CloseCode.Unauthorized, reason: 'API key revoked' },
  RIGHTS_CHANGED: { code: CloseCode.Forbidden, reason: 'Rights changed' },
} as const;
type Closing = (typeof RightsCloseCode)[keyof typeof RightsCloseCode];

/**
 * How often one socket's credentials are looked up again in the database, at most, when it runs
 * operations: the bound on how long a lost revocation message can leave a socket with rights.
 */
export const RECHECK_INTERVAL_MS = 2_000;
/** setTimeout cannot wait longer than this (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Tracked {
  socket: RevocableSocket;
  viewer: Viewer;
  authTokenHash: string | null;
  expiresAt: number | null;
  expiryTimer: NodeJS.Timeout | null;
  verifiedAt: number;
  verifying: Promise<AppError | null> | null;
  closed: boolean;
}

export interface SocketRights {
  /** Resolves once revocations from every instance are heard; await it before admitting a socket. */
  ready: Promise<void>;
  /** Watches a socket admitted as `viewer` (only signed-in users and API keys need watching). */
  track(socket: RevocableSocket, viewer: Viewer): void;
  untrack(socket: RevocableSocket): void;
  /**
   * Per operation: null while the socket's credentials hold; otherwise the error to refuse the
   * operation with — and the socket is being closed.
   */
  recheck(socket: RevocableSocket): Promise<AppError | null>;
  close(): Promise<void>;
}

/** A Map of sets, for finding sockets by user, key or cookie. */
class Index {
  private readonly sets = new Map<string, Set<Tracked>>();
  add(key: string | null | undefined, entry: Tracked) {
    if (!key) return;
    let set = this.sets.get(key);
    if (!set) this.sets.set(key, (set = new Set()));
    set.add(entry);
  }
  delete(key: string | null | undefined, entry: Tracked) {
    const set = key ? this.sets.get(key) : undefined;
    if (!set) return;
    set.delete(entry);
    if (set.size === 0) this.sets.delete(key!);
  }
  get(key: string): Tracked[] {
    return [...(this.sets.get(key) ?? [])];
  }
}

/**
 * This instance's open WebSockets by who they speak for, so rights taken away anywhere (sign-out,
 * password reset, role change, revoked key — announced on the pub/sub — or the sign-in expiring)
 * reach sockets that were admitted earlier and would otherwise keep them for their whole life.
 */
export function createSocketRights(deps: { db: PrismaClient; pubsub: PubSub }): SocketRights {
  const tracked = new Map<RevocableSocket, Tracked>();
  /** Sockets being closed for lost rights: any operation they still send is refused. */
  const shutFor = new WeakMap<RevocableSocket, Closing>();
  const byUser = new Index();
  const byApiKey = new Index();
  const byAuthToken = new Index();

  function shut(entry: Tracked, closing: Closing) {
    if (entry.closed) return;
    entry.closed = true;
    shutFor.set(entry.socket, closing);
    untrack(entry.socket);
    // After the current turn, so a refusal sent for the operation at hand goes out before the close frame.
    setTimeout(() => entry.socket.close(closing.code, closing.reason), 0);
  }

  function untrack(socket: RevocableSocket) {
    const entry = tracked.get(socket);
    if (!entry) return;
    tracked.delete(socket);
    if (entry.expiryTimer) clearTimeout(entry.expiryTimer);
    byUser.delete(entry.viewer.user?.id, entry);
    byApiKey.delete(entry.viewer.apiKeyId, entry);
    byAuthToken.delete(entry.authTokenHash, entry);
  }

  function apply(revocation: Revocation) {
    switch (revocation.kind) {
      case 'signed-out':
        for (const entry of byAuthToken.get(revocation.authTokenHash)) shut(entry, RightsCloseCode.SIGNED_OUT);
        break;
      case 'password-reset':
        for (const entry of byUser.get(revocation.userId))
          if (entry.authTokenHash !== revocation.keepAuthTokenHash) shut(entry, RightsCloseCode.SIGNED_OUT);
        break;
      case 'role-changed':
        for (const entry of byUser.get(revocation.userId)) shut(entry, RightsCloseCode.RIGHTS_CHANGED);
        break;
      case 'api-key-revoked':
        for (const entry of byApiKey.get(revocation.apiKeyId)) shut(entry, RightsCloseCode.KEY_REVOKED);
        break;
    }
  }

  let unsubscribe: Unsubscribe | undefined;
  const ready = deps.pubsub
    .subscribe(topics.authRevocations, (message) => {
      const revocation = parseRevocation(message);
      if (revocation) apply(revocation);
    })
    .then(
      (stop) => void (unsubscribe = stop),
      // Sockets are still admitted: the per-operation re-check keeps them honest meanwhile.
      (error: unknown) => console.error('cannot hear credential revocations', error),
    );

  function armExpiry(entry: Tracked) {
    if (entry.expiryTimer) clearTimeout(entry.expiryTimer);
    entry.expiryTimer = null;
    if (entry.expiresAt === null) return;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, entry.expiresAt - Date.now()));
    entry.expiryTimer = setTimeout(() => {
      if (entry.expiresAt !== null && Date.now() >= entry.expiresAt) shut(entry, RightsCloseCode.EXPIRED);
      else armExpiry(entry);
    }, delay);
    entry.expiryTimer.unref();
  }

  /** Looks the credentials up again: gone or expired → signed out; another role → reconnect for the new one. */
  async function verify(entry: Tracked): Promise<AppError | null> {
    const { viewer } = entry;
    if (viewer.user) {
      const current = await findAuthSession(deps.db, viewer.authToken);
      if (!current) return refuse(entry, RightsCloseCode.SIGNED_OUT);
      if (current.user.role !== viewer.user.role) return refuse(entry, RightsCloseCode.RIGHTS_CHANGED);
      if (current.expiresAt.getTime() !== entry.expiresAt) {
        entry.expiresAt = current.expiresAt.getTime();
        armExpiry(entry);
      }
    } else if (viewer.apiKeyId) {
      const key = await deps.db.apiKey.findUnique({ where: { id: viewer.apiKeyId }, select: { revokedAt: true } });
      if (!key || key.revokedAt) return refuse(entry, RightsCloseCode.KEY_REVOKED);
    }
    entry.verifiedAt = Date.now();
    return null;
  }

  function refuse(entry: Tracked, closing: Closing): AppError {
    shut(entry, closing);
    return refusal(closing);
  }

  function refusal(closing: Closing): AppError {
    if (closing === RightsCloseCode.RIGHTS_CHANGED) return forbidden('Your rights changed; reconnect to continue.');
    if (closing === RightsCloseCode.KEY_REVOKED) return unauthenticated('This API key has been revoked.');
    if (closing === RightsCloseCode.EXPIRED) return unauthenticated('Your sign-in has expired. Sign in again.');
    return unauthenticated('You are signed out. Sign in again.');
  }

  return {
    ready,
    track(socket, viewer) {
      if (!viewer.user && !viewer.apiKeyId) return; // customers and anonymous callers hold no account rights
      const entry: Tracked = {
        socket,
        viewer,
        authTokenHash: viewer.user && viewer.authToken ? hashToken(viewer.authToken) : null,
        expiresAt: viewer.authExpiresAt?.getTime() ?? null,
        expiryTimer: null,
        verifiedAt: Date.now(),
        verifying: null,
        closed: false,
      };
      tracked.set(socket, entry);
      byUser.add(viewer.user?.id, entry);
      byApiKey.add(viewer.apiKeyId, entry);
      byAuthToken.add(entry.authTokenHash, entry);
      armExpiry(entry);
    },
    untrack,
    async recheck(socket) {
      const entry = tracked.get(socket);
      if (!entry) {
        const closing = shutFor.get(socket);
        return closing ? refusal(closing) : null;
      }
      if (entry.expiresAt !== null && Date.now() >= entry.expiresAt) return refuse(entry, RightsCloseCode.EXPIRED);
      if (Date.now() - entry.verifiedAt < RECHECK_INTERVAL_MS) return null;
      // Operations arriving together share one lookup.
      entry.verifying ??= verify(entry)
        .catch((error: unknown) => {
          // The database is briefly unreachable: the stream keeps going (it needs no database) and
          // the next operation looks again, as verifiedAt was not moved on.
          console.error('cannot re-check socket credentials', error);
          return null;
        })
        .finally(() => (entry.verifying = null));
      return entry.verifying;
    },
    async close() {
      for (const entry of tracked.values()) if (entry.expiryTimer) clearTimeout(entry.expiryTimer);
      tracked.clear();
      await unsubscribe?.().catch(() => {});
    },
  };
}
