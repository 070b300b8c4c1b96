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
  /** When the cookie's sign-in ends; a WebSocket admitted with it is closed then. */
  authExpiresAt?: Date;
}

/** The anonymous caller. */
export const NOBODY: Viewer = { user: null, customerSessionId: null, authToken: undefined, apiKeyId: null };
