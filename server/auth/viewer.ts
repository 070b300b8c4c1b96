import type { UserRow } from '../core/db/index.ts';

/** Who is calling: a signed-in user (cookie), a customer (session token), or nobody. */
export interface Viewer {
  user: UserRow | null;
  /** The one session a customer token grants. */
  customerSessionId: string | null;
  /** The cookie token, kept so sign-out can revoke it. */
  authToken: string | undefined;
  /** The read-only API key the caller presented (Authorization: Bearer), if any. */
  apiKeyId: string | null;
  /** What that key may read (server/auth/api-keys.ts API_KEY_SCOPES). */
  apiKeyScopes?: readonly string[];
  /** The key's own requests-per-minute limit; unset: the deployment's default. */
  apiKeyRequestsPerMinute?: number | null;
  /** When the cookie's sign-in, or the API key, ends; a WebSocket admitted with it is closed then. */
  authExpiresAt?: Date;
}

/** The anonymous caller. */
export const NOBODY: Viewer = { user: null, customerSessionId: null, authToken: undefined, apiKeyId: null };
