import type { AuditQueue } from '../server/audit/audit-queue.ts';
import type { Config } from '../server/core/config.ts';
import { findAuthSession } from '../server/auth/auth-sessions.ts';
import { hashToken } from '../server/auth/tokens.ts';
import type { PrismaClient } from '../server/core/db/index.ts';
import type { RateLimits } from '../server/limits/rate-limiter.ts';
import type { RecordingWriter } from '../server/recording/recording-writer.ts';
import { findApiKey, scopesOf } from '../server/auth/api-keys.ts';
import type { WebhookWorker } from '../server/webhooks/webhook-worker.ts';
import { ErrorCode } from '../server/core/errors.ts';
import { graphQLError } from './errors.ts';
import type { PubSub } from '../server/core/pubsub/index.ts';
import { NOBODY, type Viewer } from '../server/auth/viewer.ts';
import type { ReachableCustomers } from '../server/invitations/reachable-customers.ts';

/** A wrong or revoked key is refused outright (HTTP 401) rather than treated as anonymous. */
export const invalidApiKey = () => graphQLError(ErrorCode.UNAUTHENTICATED, 'This API key is not valid or has been revoked.', 401);
/** A key past its expiry is refused the same way, saying why. */
export const expiredApiKey = (at: Date) =>
  graphQLError(ErrorCode.UNAUTHENTICATED, `This API key expired at ${at.toISOString()}; ask an admin for a new one.`, 401);

/** Long-lived services every resolver may use. */
export interface AppDeps {
  db: PrismaClient;
  pubsub: PubSub;
  config: Config;
  /** Where recorded sessions' event streams go, for supervisors to replay. */
  recordings: RecordingWriter;
  /** Throttles for sign-in, joins and anonymous calls (memory, or Redis across instances). */
  limits: RateLimits;
  /** The durable path for audit events nobody waits for (page visits, supervisors watching). */
  audit: AuditQueue;
  /** Sends queued webhook deliveries; `nudge` after queuing one nobody should wait a poll for. */
  webhooks: WebhookWorker;
  /** One line in the server's log (admin actions, for instance). */
  log: (line: string) => void;
  /** Verified customers on the site now whose widgets agents may ask to co-browse (this instance's). */
  reachable: ReachableCustomers;
}

export interface GraphQLContext extends AppDeps {
  viewer: Viewer;
  /** The caller's IP address (from X-Forwarded-For only as far as TRUST_PROXY_HOPS trusts it), for rate limits. */
  clientAddress: string;
  /** Origin header of the request or WebSocket upgrade. */
  requestOrigin: string | null;
  /** This server's own origin (the demo site's), from PUBLIC_URL: never from the request's Host. */
  selfOrigin: string;
  /** Sets a response cookie; over WebSocket there is no response, so it refuses. */
  setCookie: (value: string) => void;
  transport: 'http' | 'ws';
  /** Per-connection (WebSocket) or per-request (HTTP) memo for authorization checks. */
  memo: Map<string, unknown>;
}

export interface Credentials {
  /** The sign-in cookie's token (server/auth/embed-cookie.ts picks which cookie counts). */
  authToken: string | undefined;
  customerToken: string | undefined;
  /** `Authorization: Bearer <key>`, or graphql-ws connectionParams; a key speaks for nobody else. */
  apiKey?: string | undefined;
}

/** The API key in an `Authorization: Bearer …` value, if that is what it holds. */
export const bearerKey = (authorization: unknown): string | undefined =>
  typeof authorization === 'string' ? /^Bearer\s+(\S+)$/i.exec(authorization.trim())?.[1] : undefined;

/** Resolves the caller once per HTTP request or once per WebSocket connection. */
export async function resolveViewer(db: PrismaClient, credentials: Credentials): Promise<Viewer> {
  if (credentials.apiKey !== undefined) {
    const found = await findApiKey(db, credentials.apiKey);
    if (found.status === 'invalid') throw invalidApiKey();
    if (found.status === 'expired') throw expiredApiKey(found.key.expiresAt!);
    const { key } = found;
    return {
      ...NOBODY,
      apiKeyId: key.id,
      apiKeyScopes: scopesOf(key),
      apiKeyRequestsPerMinute: key.requestsPerMinute,
      ...(key.expiresAt && { authExpiresAt: key.expiresAt }),
    };
  }
  const { authToken } = credentials;
  const [signedIn, customerSession] = await Promise.all([
    findAuthSession(db, authToken),
    credentials.customerToken
      ? db.session.findUnique({ where: { customerTokenHash: hashToken(credentials.customerToken) }, select: { id: true } })
      : null,
  ]);
  return {
    user: signedIn?.user ?? null,
    customerSessionId: customerSession?.id ?? null,
    authToken,
    apiKeyId: null,
    ...(signedIn && { authExpiresAt: signedIn.expiresAt }),
  };
}
