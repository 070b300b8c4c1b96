import type { ActorKind, AgentAction, SessionEventKind, SessionRules, SessionState, StreamMessage } from '../protocol/messages.ts';
import type { CustomerMetadata } from '../protocol/customer-metadata.ts';
import { applyAgentAction } from './agent-actions.ts';
import { addChatButton, openChatToken } from './chat/launcher.ts';
import { createRecorder } from './recorder.ts';
import { clearSession, loadSession, saveSession, type StoredSession } from './session-store.ts';
import { execute, openSocket, postGraphQL, type Client } from './transport.ts';
import { createAgentPointer } from './ui/agent-pointer.ts';
import type { NoticeKind } from './ui/notices.ts';
import { showRtt } from './ui/rtt.ts';
import { createPanel } from './ui/panel.ts';
import { createShadowRoot } from './ui/root.ts';
import { WIDGET_CSS } from './ui/styles.ts';

const START_SESSION = 'mutation($input: StartSessionInput!){ startSession(input:$input){ customerToken session { id code status } } }';
const SESSION_STREAM = 'subscription($sessionId: ID!){ sessionStream(sessionId:$sessionId) }';
const SEND_EVENTS = 'mutation($sessionId: ID!, $batch: JSON!){ sendEvents(sessionId:$sessionId, batch:$batch) }';
const EXIT_SESSION = 'mutation($sessionId: ID!){ exitSession(sessionId:$sessionId){ id status } }';
const ANSWER_WRITE =
  'mutation($sessionId: ID!, $requestId: ID!, $approve: Boolean!){ answerWriteMode(sessionId:$sessionId, requestId:$requestId, approve:$approve){ mode } }';
const POINTER_MODE = 'mutation($sessionId: ID!){ setPointerMode(sessionId:$sessionId){ mode } }';
const REPORT_ACTION = 'mutation($sessionId: ID!, $result: JSON!){ reportActionResult(sessionId:$sessionId, result:$result) }';

/** A navigation waits this long at most for its report to reach the server before leaving the page. */
const REPORT_BEFORE_LEAVING_MS = 300;

/** Stream errors after which the session cannot go on (the token no longer opens it). */
const FATAL_STREAM_CODES = ['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'SESSION_ENDED'];

type GraphQLErrorLike = { extensions?: { code?: unknown } };

/** How long the widget waits before opening a new stream after a recoverable stream error. */
const RESUBSCRIBE_DELAY_MS = 1000;

/** The session the customer started, as `start()` resolves and `started` reports it. */
export interface StartedSession {
  sessionId: string;
  /** The nine digits the customer reads to the agent. */
  code: string;
}

/** The events `Cobrowse.on` reports, with what each handler receives. */
export interface CobrowseEventMap {
  /** A session started on this page (not when one resumes after a page load). */
  started: StartedSession;
  /** An agent joined (R4). */
  'agent-joined': { agentName: string | null };
  /** The session ended, by whom (CUSTOMER when this page exited). */
  ended: { endedBy: ActorKind | null };
  /** A notice was shown to the customer. */
  notice: { message: string; kind: NoticeKind };
  /** The socket to the server went down or came back. */
  connection: { connected: boolean };
  /** The session's state as the server last told it. */
  state: SessionState;
  /** Write Mode went on (the customer approved) or off (either side went back to Pointer Mode). */
  mode: { mode: SessionState['mode']; by: ActorKind | null };
  /** A supervisor started (`watching: true`) or stopped watching the session read-only (B5). */
  supervisor: { watching: boolean; name: string | null };
  /** Something failed, with the message the customer was shown (and the server's code, if any). */
  error: { message: string; code: string | null };
}

/** The one global the widget exposes: `window.Cobrowse`. */
export interface CobrowseApi {
  /**
   * Starts a session (or returns the running one) and shows its ID; rejects with the server's
   * message. `metadata` tells the agent who the customer is — it is sent as given, not masked.
   */
  start(options?: { metadata?: CustomerMetadata }): Promise<StartedSession>;
  /** Ends the running session, if any. */
  exit(): Promise<void>;
  /** Listens to a widget event; returns a function that stops listening. */
  on<E extends keyof CobrowseEventMap>(event: E, handler: (detail: CobrowseEventMap[E]) => void): () => void;
}

function statusText(session: SessionState): string {
  if (session.status === 'ACTIVE') return 'Agent connected';
  return session.status === 'PAUSED' ? 'Paused' : 'Waiting for agent';
}

/**
 * The customer side of co-browse: starts or resumes the session, keeps its socket and stream
 * open, records the page while the session lasts, and shows the agent's pointer and clicks.
 */
/** `metadata`: who the customer is, from the script tag's `data-cobrowse-metadata`, if any. */
export function createCobrowse(serverOrigin: string, metadata?: CustomerMetadata): CobrowseApi {
  const handlers = new Map<keyof CobrowseEventMap, Set<(detail: never) => void>>();
  let current: StoredSession | null = null;
  let client: Client | null = null;
  let stopStream: (() => void) | undefined;
  let starting: Promise<StartedSession> | null = null;
  let connected = false;
  let lost = false;
  let state: SessionState | null = null;
  let rules: SessionRules | null = null;
  /** Set from start() until the new session's first state: an agent may already be in it (R2). */
  let fresh = false;

  const emit = <E extends keyof CobrowseEventMap>(event: E, detail: CobrowseEventMap[E]) =>
    handlers.get(event)?.forEach((handler) => {
      try {
        (handler as (value: typeof detail) => void)(detail);
      } catch (error) {
        console.error(error); // the page's handler failed; the widget carries on
      }
    });

  const shadow = createShadowRoot(WIDGET_CSS);
  const panel = createPanel(shadow, {
    start: () => void api.start().catch(() => {}), // the notice already says what went wrong
    exit: () => void api.exit(),
    answerWriteMode: (approve) => {
      const requestId = state?.writeRequest?.id;
      panel.askWriteMode(null);
      if (requestId) void call(ANSWER_WRITE, { requestId, approve });
    },
    pointerMode: () => void call(POINTER_MODE, {}),
  });
  addChatButton(shadow, serverOrigin);

  /** Runs a mutation for the current session on its socket; failures become notices. */
  const call = (query: string, variables: Record<string, unknown>) =>
    client && current
      ? execute(client, query, { sessionId: current.sessionId, ...variables }).catch((error: Error) => notify(error.message, 'error'))
      : Promise.resolve();

  /** Applies an agent action in Write Mode only, and tells the agent what happened. */
  const onAction = (id: number, action: AgentAction) => {
    const masking = recorder.masking();
    const outcome =
      state?.mode === 'WRITE' && rules && masking ? applyAgentAction(action, rules, masking) : { ok: false, reason: 'Write Mode is off.' };
    const reported = call(REPORT_ACTION, { result: { id, ok: outcome.ok, ...(outcome.reason ? { reason: outcome.reason } : {}) } });
    if ('afterReport' in outcome && outcome.afterReport) {
      const leave = outcome.afterReport;
      void Promise.race([reported, new Promise((resolve) => setTimeout(resolve, REPORT_BEFORE_LEAVING_MS))]).then(leave);
    }
  };
  const pointer = createAgentPointer(shadow);
  const recorder = createRecorder((batch) =>
    client && current ? execute(client, SEND_EVENTS, { sessionId: current.sessionId, batch }) : Promise.resolve(),
  );

  const notify = (message: string, kind: NoticeKind = 'info', code: string | null = null) => {
    panel.notify(message, kind);
    emit('notice', { message, kind });
    if (kind === 'error') emit('error', { message, code });
  };

  /** Tears the session down on this page; idempotent. */
  const finish = (endedBy: ActorKind | null) => {
    if (!current) return;
    current = null;
    state = null;
    panel.askWriteMode(null);
    panel.showWriteMode(false);
    recorder.stop();
    stopStream?.();
    client?.dispose();
    client = null;
    connected = lost = false;
    clearSession();
    pointer.hide();
    panel.showStart(false);
    notify(
      endedBy === 'AGENT'
        ? 'The agent ended the session'
        : endedBy === 'CUSTOMER'
          ? 'You ended the co-browse session.'
          : 'The co-browse session has ended.',
    );
    emit('ended', { endedBy });
  };

  const onSession = (event: SessionEventKind, session: SessionState, by?: ActorKind, byName?: string) => {
    state = session;
    if (event === 'ended' || session.status === 'ENDED') return finish(session.endedBy);
    panel.askWriteMode(session.writeRequest ? (session.agentName ?? '') : null);
    panel.showWriteMode(session.mode === 'WRITE');
    if (event === 'state') {
      // First session message of every (re)subscription, right after the rules: record under
      // them, or send a fresh snapshot to resync the agent. Online first: the snapshot then goes
      // straight out instead of being measured for the offline buffer.
      recorder.setOnline(true);
      recorder.start(rules ?? undefined);
      // From a chat the agent joins at once, maybe before this stream was up: say so all the same.
      if (fresh && session.status === 'ACTIVE') {
        notify(`${session.agentName ?? 'An agent'} joined your co-browse session`);
        emit('agent-joined', { agentName: session.agentName });
      }
      fresh = false;
    } else if (event === 'agent-joined') {
      notify(`${session.agentName ?? 'An agent'} joined your co-browse session`);
      emit('agent-joined', { agentName: session.agentName });
    } else if (event === 'agent-left') {
      pointer.hide();
      notify('The agent left the session.');
    } else if (event === 'write-approved') {
      notify('Write Mode is on: the agent can click and type on this page.');
      emit('mode', { mode: 'WRITE', by: 'CUSTOMER' });
    } else if (event === 'write-declined') {
      notify('You declined Write Mode. The agent can still point.');
    } else if (event === 'write-expired') {
      notify('The Write Mode request expired.');
    } else if (event === 'supervisor-joined') {
      notify(`A supervisor${byName ? `, ${byName},` : ''} is now watching this session. They cannot click or type.`);
      emit('supervisor', { watching: true, name: byName ?? null });
    } else if (event === 'supervisor-left') {
      notify('The supervisor stopped watching.');
      emit('supervisor', { watching: false, name: null });
    } else if (event === 'pointer-mode') {
      notify(by === 'AGENT' ? 'The agent switched back to Pointer Mode.' : 'Back to Pointer Mode: the agent can only point.');
      emit('mode', { mode: 'POINTER', by: by ?? null });
    }
    panel.setStatus(session.status, statusText(session));
    emit('state', session);
  };

  const onMessage = (message: StreamMessage) => {
    if (message.type === 'session') onSession(message.event, message.session, message.by, message.byName);
    else if (message.type === 'rules') rules = message.rules;
    else if (message.type === 'action') onAction(message.id, message.action);
    else if (message.type === 'snapshot-request') recorder.snapshot();
    else if (message.type === 'pointer') pointer.move(...recorder.locate(message.target));
    else if (message.type === 'click') pointer.click(...recorder.locate(message.target));
  };

  const subscribe = () => {
    const session = current;
    if (!client || !session) return;
    stopStream = client.subscribe<{ sessionStream: StreamMessage }>(
      { query: SESSION_STREAM, variables: { sessionId: session.sessionId } },
      {
        next: ({ data }) => data && current === session && onMessage(data.sessionStream),
        error: (error) => {
          if (current !== session) return;
          const code = Array.isArray(error) ? (error as GraphQLErrorLike[])[0]?.extensions?.code : undefined;
          if (typeof code === 'string' && FATAL_STREAM_CODES.includes(code)) return finish(null);
          // Fell behind, or the server had a problem: open a new stream, which resyncs the agent.
          recorder.setOnline(false);
          if (!Array.isArray(error)) {
            client?.dispose();
            client = null;
          }
          setTimeout(() => current === session && connect(), RESUBSCRIBE_DELAY_MS);
        },
        complete: () => {},
      },
    );
  };

  const connect = () => {
    const session = current as StoredSession;
    client ??= openSocket(serverOrigin, session.customerToken, {
      connected() {
        if (lost) notify('Reconnected.');
        connected = true;
        lost = false;
        emit('connection', { connected });
      },
      closed() {
        if (!connected || current !== session) return;
        connected = false;
        lost = true;
        recorder.setOnline(false);
        panel.setStatus('OFFLINE', 'Reconnecting…');
        notify('Connection lost. Reconnecting…', 'error');
        emit('connection', { connected });
      },
      rtt: (ms) => showRtt(shadow, ms),
    });
    subscribe();
  };

  const open = (session: StoredSession) => {
    current = session;
    panel.showSession(session.code);
    panel.setStatus('WAITING', 'Connecting…');
    connect();
  };

  const api: CobrowseApi = {
    start(options) {
      if (current) return Promise.resolve({ sessionId: current.sessionId, code: current.code });
      return (starting ??= (async () => {
        panel.showStart(true);
        try {
          const { startSession } = await postGraphQL<{ startSession: { customerToken: string; session: { id: string; code: string } } }>(
            serverOrigin,
            START_SESSION,
            {
              input: {
                url: location.origin + location.pathname,
                viewportWidth: innerWidth,
                viewportHeight: innerHeight,
                chatToken: openChatToken(),
                metadata: options?.metadata ?? metadata,
              },
            },
          );
          const started = { sessionId: startSession.session.id, code: startSession.session.code };
          const session = { ...started, customerToken: startSession.customerToken };
          saveSession(session);
          fresh = true;
          open(session);
          notify('Session started. Read the ID to your agent.');
          emit('started', started);
          return started;
        } catch (error) {
          panel.showStart(false);
          notify((error as Error).message, 'error', (error as { code?: string }).code ?? null);
          throw error;
        } finally {
          starting = null;
        }
      })());
    },
    async exit() {
      const session = current;
      if (!session) return;
      recorder.stop(); // nothing more leaves the page from now on
      const variables = { sessionId: session.sessionId };
      try {
        await (client && connected
          ? execute(client, EXIT_SESSION, variables)
          : postGraphQL(serverOrigin, EXIT_SESSION, variables, session.customerToken));
      } catch {
        // Ended here regardless; the server sees the socket close and tells the agent.
      }
      finish('CUSTOMER');
    },
    on(event, handler) {
      const set = handlers.get(event) ?? new Set();
      handlers.set(event, set.add(handler));
      return () => void set.delete(handler);
    },
  };

  const saved = loadSession();
  if (saved) open(saved);
  return api;
}
