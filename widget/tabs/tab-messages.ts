import type { ActorKind } from '../../protocol/messages.ts';
import type { StoredSession } from '../session-store.ts';

/**
 * What the site's tabs tell each other on their BroadcastChannel. Any script of the site's
 * origin can post there too, so every message is checked by `tabMessageOf` before it is used.
 */
export type TabMessage =
  /** A tab without a session asks whether another tab holds one. */
  | { type: 'ask'; tab: string }
  /** A tab holding a session hands it to the tab that asked (`to`). */
  | { type: 'offer'; tab: string; to: string; session: StoredSession }
  /** A tab of the session is here, since `since` (ms): `hello` asks the others to answer `here`. */
  | { type: 'hello' | 'here'; tab: string; sessionId: string; since: number }
  /** The tab streams now (its stream is up): the others stop streaming and close their sockets. */
  | { type: 'streaming'; tab: string; sessionId: string }
  /** The tab is closing; `held`: it had the session's socket, which another tab should take. */
  | { type: 'bye'; tab: string; sessionId: string; held: boolean }
  /** The session ended: every tab drops it. */
  | { type: 'ended'; tab: string; sessionId: string; endedBy: ActorKind | null };

/** A tab's own id: random, made once per page. */
export const TAB_ID_PATTERN = /^[0-9a-z]{8,32}$/;
const SESSION_CODE = /^\d{9}$/;
const MAX_ID_LENGTH = 64;
const MAX_TOKEN_LENGTH = 512;
const ACTORS: readonly (ActorKind | null)[] = ['CUSTOMER', 'AGENT', 'SUPERVISOR', 'ADMIN', 'SYSTEM', null];

const isText = (value: unknown, max: number): value is string => typeof value === 'string' && value.length > 0 && value.length <= max;

function storedSessionOf(value: unknown): StoredSession | null {
  if (typeof value !== 'object' || value === null) return null;
  const { sessionId, code, customerToken } = value as Record<string, unknown>;
  return isText(sessionId, MAX_ID_LENGTH) && typeof code === 'string' && SESSION_CODE.test(code) && isText(customerToken, MAX_TOKEN_LENGTH)
    ? { sessionId, code, customerToken }
    : null;
}

/** The message `data` is, rebuilt from its checked fields only, or null when it is not one. */
export function tabMessageOf(data: unknown): TabMessage | null {
  if (typeof data !== 'object' || data === null) return null;
  const message = data as Record<string, unknown>;
  const { type, tab, sessionId } = message;
  if (typeof tab !== 'string' || !TAB_ID_PATTERN.test(tab)) return null;
  if (type === 'ask') return { type, tab };
  if (type === 'offer') {
    const session = storedSessionOf(message.session);
    return session && typeof message.to === 'string' && TAB_ID_PATTERN.test(message.to) ? { type, tab, to: message.to, session } : null;
  }
  if (!isText(sessionId, MAX_ID_LENGTH)) return null;
  if (type === 'hello' || type === 'here') {
    const since = message.since;
    return typeof since === 'number' && Number.isFinite(since) ? { type, tab, sessionId, since } : null;
  }
  if (type === 'streaming') return { type, tab, sessionId };
  if (type === 'bye') return typeof message.held === 'boolean' ? { type, tab, sessionId, held: message.held } : null;
  if (type === 'ended') {
    const endedBy = message.endedBy as ActorKind | null;
    return ACTORS.includes(endedBy) ? { type, tab, sessionId, endedBy } : null;
  }
  return null;
}
