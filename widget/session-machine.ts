import type { ActorKind, SessionEventKind, SessionRules, SessionState } from '../protocol/messages.ts';
import type { StoredSession } from './session-store.ts';

/**
 * The customer's session on this page as explicit states, with no DOM and no timers:
 * createCobrowse feeds it what happens and acts on where it lands. An event the state does not
 * take returns that very state object, which is how the widget knows to do nothing (a second end,
 * the socket of a session already over, a Write Mode request the site was already asked about).
 */

/** A session this page has open, before or after an agent joined. */
export interface OpenSession {
  session: StoredSession;
  /** The session's socket: not yet up, up, or lost and being reopened. */
  link: 'connecting' | 'connected' | 'reconnecting';
  /** The server's last word on the session, from the stream's first state on. */
  server?: SessionState;
  /** The site's recording rules, sent before the first state of every stream. */
  rules?: SessionRules;
  /**
   * Started on this page and no state heard yet: an agent may already be in it (a session started
   * from a chat opens on its agent's desktop by itself, maybe before this page's stream is up).
   */
  fresh: boolean;
  /** The Write Mode request last handed to the site's onWriteRequest: each is asked once. */
  askedSite?: string;
}

export type WidgetSession =
  | { phase: 'idle' }
  /** The session is being created; further starts wait for this one. */
  | { phase: 'starting' }
  /** No agent has joined yet (or no state came yet): nothing of the page is recorded. */
  | ({ phase: 'waiting' } & OpenSession)
  /** An agent is in the session (ACTIVE, or PAUSED): the page is recorded once the agent asks. */
  | ({ phase: 'joined' } & OpenSession)
  /** Over: a new session may be started. */
  | { phase: 'ended'; endedBy: ActorKind | null };

export type SessionEvent =
  | { type: 'start' }
  | { type: 'start-failed' }
  /** A session started here (`fresh`) or resumed from this tab's storage. */
  | { type: 'open'; session: StoredSession; fresh: boolean }
  /** The socket of `session` is (again) acknowledged by the server. */
  | { type: 'connected'; session: StoredSession }
  /** The socket of `session` closed. */
  | { type: 'lost'; session: StoredSession }
  | { type: 'rules'; rules: SessionRules }
  /** A session message of the stream: its event and the session as it now is. */
  | { type: 'session'; event: SessionEventKind; session: SessionState }
  /** The site's onWriteRequest is about to be asked about a Write Mode request. */
  | { type: 'ask-site'; requestId: string }
  /** The session ended: by the customer here, or its stream can no longer go on. */
  | { type: 'end'; endedBy: ActorKind | null };

export const IDLE: WidgetSession = { phase: 'idle' };

/** The open session of a state, or null when there is none. */
export const openOf = (state: WidgetSession) => ('session' in state ? state : null);

/** The next state after `event`, or `state` itself when it refuses the event. */
export function transition(state: WidgetSession, event: SessionEvent): WidgetSession {
  const open = openOf(state);
  const { type } = event;
  if (!open) {
    if (type === 'open') return { phase: 'waiting', session: event.session, link: 'connecting', fresh: event.fresh };
    if (state.phase === 'starting') return type === 'start-failed' ? IDLE : state;
    return type === 'start' ? { phase: 'starting' } : state; // every other event is about an open session
  }
  if (type === 'end') return { phase: 'ended', endedBy: event.endedBy };
  if (type === 'rules') return { ...open, rules: event.rules };
  if (type === 'ask-site') return open.askedSite === event.requestId ? state : { ...open, askedSite: event.requestId };
  if (type === 'session') {
    const { status, endedBy } = event.session;
    if (event.event === 'ended' || status === 'ENDED') return { phase: 'ended', endedBy };
    return {
      ...open,
      phase: status === 'ACTIVE' || status === 'PAUSED' ? 'joined' : 'waiting',
      server: event.session,
      fresh: open.fresh && event.event !== 'state',
    };
  }
  // A socket's news counts only for the session it was opened for; a loss only when it was up.
  if (type === 'start' || type === 'start-failed' || type === 'open' || event.session !== open.session) return state;
  if (type === 'connected') return { ...open, link: 'connected' };
  return open.link === 'connected' ? { ...open, link: 'reconnecting' } : state;
}
