import {
  PAGE_ASSETS_EVENT_TAG,
  type ActorKind,
  type AgentAction,
  type SessionEventKind,
  type SessionState,
  type StreamMessage,
} from '../protocol/messages.ts';
import type { CustomerMetadata } from '../protocol/customer-metadata.ts';
import { pageAddress } from '../protocol/page-address.ts';
import type { applyAgentAction } from './agent-actions.ts';
import type { askSite } from './write-consent.ts';
import type { sendPageAssets } from './assets/send-page-assets.ts';
import type { CobrowseApi, CobrowseEventMap, InitOptions, NoticeKind, StartedSession, WidgetTexts } from './api.ts';
import { addChatButton, openChatToken } from './chat/launcher.ts';
import { EN } from './i18n/en.ts';
import { fill, loadTexts } from './i18n/texts.ts';
import { writtenCss } from './authored-css.ts';
import type { litSheetText } from './lit-css.ts';
import type { answerMaskingPreview } from './preview.ts';
import type { beReachable } from './invite/index.ts';
import { SESSION_STREAM } from './operations.ts';
import type { watchCustomerCues } from './cues.ts';
import type { mirrorFrames } from './frames/mirror-frames.ts';
import { createRecorder } from './recorder.ts';
import { IDLE, openOf, transition, type OpenSession, type SessionEvent, type WidgetSession } from './session-machine.ts';
import { clearSession, loadSession, saveSession, sessionLiveElsewhere, type StoredSession } from './session-store.ts';
import type { followTabs } from './tabs/index.ts';
import { execute, openSocket, postGraphQL, socketWorker, type Client } from './transport.ts';
import type { createAgentPointer, AgentPointer } from './ui/agent-pointer.ts';
import type { Annotations, createAnnotations } from './ui/annotations.ts';
import type { createGuided, Guided } from './ui/guided-mode.ts';
import { showRtt } from './ui/rtt.ts';
import { createPanel, NO_PANEL, type Panel, type PanelActions } from './ui/panel.ts';
import { createShadowRoot } from './ui/root.ts';
import { WIDGET_CSS } from './ui/styles.ts';

const START_SESSION = 'mutation($input:StartSessionInput!){startSession(input:$input){customerToken session{id code status}}}';
const EXIT_SESSION = 'mutation($sessionId:ID!){exitSession(sessionId:$sessionId){id status}}';
const ANSWER_WRITE =
  'mutation($sessionId:ID! $requestId:ID! $approve:Boolean!){answerWriteMode(sessionId:$sessionId requestId:$requestId approve:$approve){mode}}';
const POINTER_MODE = 'mutation($sessionId:ID!){setPointerMode(sessionId:$sessionId){mode}}';
const REPORT_ACTION = 'mutation($sessionId:ID! $result:JSON!){reportActionResult(sessionId:$sessionId result:$result)}';

/** A navigation waits this long at most for its report to reach the server before leaving the page. */
const REPORT_BEFORE_LEAVING_MS = 300;

/** Stream errors after which the session cannot go on (the token no longer opens it). */
const FATAL_STREAM_CODES = ['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'SESSION_ENDED'];

type GraphQLErrorLike = { extensions?: { code?: unknown } };

/** How long the widget waits before opening a new stream after a recoverable stream error. */
const RESUBSCRIBE_DELAY_MS = 1000;

function statusText(session: SessionState, t: WidgetTexts): string {
  if (session.status === 'ACTIVE') return t.agentConnected;
  return session.status === 'PAUSED' ? t.paused : t.waiting;
}

/** Resolves once the page has a body to draw in. */
const bodyReady = () => new Promise((resolve) => (document.body ? resolve(0) : addEventListener('DOMContentLoaded', resolve)));

/**
 * The customer side of co-browse: starts or resumes the session, keeps its socket and stream
 * open, records the page while the session lasts, and shows the agent's pointer and clicks.
 * It draws on the first init() or start(), else by itself once the page has loaded.
 * `defaultOrigin`: the server, unless init() names one; `metadata`: who the customer is, from
 * the script tag's `data-cobrowse-metadata`, if any.
 */
export function createCobrowse(defaultOrigin: string, metadata?: CustomerMetadata): CobrowseApi {
  let options: InitOptions = {};
  let serverOrigin = defaultOrigin;
  let drawn: Promise<void> | null = null;
  let t = EN;
  let shadow: ShadowRoot;
  let panel: Panel = NO_PANEL;
  const handlers = new Map<keyof CobrowseEventMap, Set<(detail: never) => void>>();
  /** Where the session is (session-machine.ts); changed only through `go`. */
  let machine: WidgetSession = IDLE;
  /** Feeds the session's state machine, and tears the session down here when that ended it; false when the state refused the event. */
  const go = (event: SessionEvent) => {
    const was = machine;
    machine = transition(was, event);
    if (machine.phase === 'ended' && was !== machine) finish(machine.endedBy);
    return was !== machine;
  };
  const live = () => openOf(machine);
  let client: Client | null = null;
  let stopStream: (() => void) | undefined;
  /** The start under way, which further start() calls share. */
  let starting: Promise<StartedSession> | null = null;

  const emit = <E extends keyof CobrowseEventMap>(event: E, detail: CobrowseEventMap[E]) =>
    handlers.get(event)?.forEach((handler) => {
      try {
        (handler as (value: typeof detail) => void)(detail);
      } catch (error) {
        console.error(error); // the page's handler failed; the widget carries on
      }
    });

  /** Answers the pending Write Mode request, from the built-in question or the site's hook. */
  const answerWriteMode = (approve: boolean, requestId = live()?.server?.writeRequest?.id) => {
    panel.askWriteMode(null);
    if (requestId) void call(ANSWER_WRITE, { requestId, approve });
  };
  const actions: PanelActions = {
    start: () => void api.start().catch(() => {}), // the notice already says what went wrong
    exit: () => void api.exit(),
    answerWriteMode: (approve) => answerWriteMode(approve),
    pointerMode: () => void api.pointerMode(),
  };

  /** Draws the widget as init() said (once), then resumes this tab's session, if any. */
  const draw = () =>
    (drawn ??= (async () => {
      if (options.server) serverOrigin = new URL(options.server).origin;
      socketWorker.allowed = options.worker !== false;
      t = await loadTexts(serverOrigin, options.language, options.texts);
      await bodyReady();
      shadow = createShadowRoot(WIDGET_CSS);
      if (options.ui !== false && !options.frame) {
        panel = createPanel(shadow, actions, t);
        addChatButton(shadow, serverOrigin, t);
      }
      if (window.parent !== window)
        chunk<{ answerMaskingPreview: typeof answerMaskingPreview }>('preview').then(
          (code) => code.answerMaskingPreview(serverOrigin, createRecorder, options.frame),
          () => {},
        );
      // Lit components built their stylesheets before this script ran: their CSS as written is
      // read from Lit (lit-css.ts), ready before a resumed session's first snapshot.
      if ('reactiveElementVersions' in window)
        await chunk<{ litSheetText: typeof litSheetText }>('lit-css').then(
          (code) => (writtenCss.of = code.litSheetText),
          () => {},
        );
      const saved = loadSession();
      const m = options.metadata ?? metadata;
      if (saved) open(saved);
      // Agents' requests to co-browse: only for a signed identity, and only where the site asks for them.
      else if (options.invitations && m?.identityToken)
        chunk<{ beReachable: typeof beReachable }>('invite').then(
          (code) => code.beReachable(api, serverOrigin, shadow, t, m),
          () => {},
        );
      joinTabs();
      addEventListener('visibilitychange', joinTabs);
    })());

  /** The site's own Write Mode question (onWriteRequest): asked once per request, answered only while it is open. */
  const askSiteAbout = (request: NonNullable<SessionState['writeRequest']>, agentName: string | null) => {
    if (!go({ type: 'ask-site', requestId: request.id })) return;
    // The question's code comes with Write Mode's (/widget-actions.js); a page that cannot load it declines.
    void loadActionCode()
      .then(
        (code) => code.askSite(options.onWriteRequest!, { requestId: request.id, agentName, expiresAt: request.expiresAt }),
        () => false,
      )
      .then((approve) => live()?.server?.writeRequest?.id === request.id && answerWriteMode(approve, request.id));
  };

  /** Runs a mutation for the current session on its socket; failures become notices. */
  const call = (query: string, variables: Record<string, unknown>, open = live()) =>
    client && open
      ? execute(client, query, { sessionId: open.session.sessionId, ...variables }).catch((error: Error) => notify(error.message, 'error'))
      : Promise.resolve();

  /**
   * One of the widget's own chunks (/widget-<name>.js), for what most pages never need: the masking
   * preview's answer, Write Mode's actions, the agent's pointer, fonts and canvases.
   */
  const chunk = <T>(name: string): Promise<T> => import(/* @vite-ignore */ `${serverOrigin}/widget-${name}.js`);

  /**
   * A chunk's one object, made the first time it is used (and tried again after a failed load).
   * With `ifLoaded`, used only when already made: what was never shown needs no hiding.
   */
  const lazily = <M, T>(name: string, make: (code: M) => T) => {
    let made: Promise<T> | undefined;
    return (use: (made: T) => void, ifLoaded?: unknown) =>
      (ifLoaded && !made) || void (made ??= chunk<M>(name).then(make)).then(use, () => (made = undefined));
  };
  /** The agent's pointer and click ring, loaded when the agent first points. */
  const withPointer = lazily<{ createAgentPointer: typeof createAgentPointer }, AgentPointer>('pointer', (code) =>
    code.createAgentPointer(shadow, t.agentPointer),
  );
  /** The agent's strokes and laser, loaded when the agent first draws. */
  const annotations = lazily<{ createAnnotations: typeof createAnnotations }, Annotations>('annotations', (code) =>
    code.createAnnotations(shadow, recorder.locate),
  );
  /** Guided Mode's prompt, indicator, scrolls and outlines, loaded when an agent first asks for it. */
  const guided = lazily<{ createGuided: typeof createGuided }, Guided>('guided', (code) =>
    code.createGuided(shadow, t, options.ui !== false, call, notify, emit, live, recorder),
  );

  /**
   * The session across the site's tabs (/widget-tabs.js): loaded in a top-level page while a
   * session runs here, or another tab said one runs. Only the tab shown streams.
   */
  const tabs = lazily<{ followTabs: typeof followTabs }, void>('tabs', (code) =>
    code.followTabs(
      live,
      open,
      connect,
      () => (stopStream?.(), recorder.stop()),
      () => (client?.dispose(), (client = null)),
      go,
      recorder,
      api,
    ),
  );
  const joinTabs = () => top === self && (live() || sessionLiveElsewhere()) && tabs(() => {});

  /** Write Mode's action code, loaded once a session turns to Write Mode: most never do. */
  let actionCode: Promise<{ applyAgentAction: typeof applyAgentAction; askSite: typeof askSite }> | undefined;
  const loadActionCode = () =>
    (actionCode ??= chunk<{ applyAgentAction: typeof applyAgentAction; askSite: typeof askSite }>('actions').catch((error: unknown) => {
      actionCode = undefined; // tried again with the next action
      throw error;
    }));

  /**
   * Applies an agent action in Write Mode only, checked when it is applied (the customer may have
   * taken Write Mode back meanwhile), and tells the agent what happened. Actions are applied and
   * reported in the order they came, as they all wait for the same code.
   */
  const onAction = (id: number, action: AgentAction) => {
    const outcome = loadActionCode().then(
      (code) => code.applyAgentAction(action, live(), recorder.masking(), recorder.node),
      () => ({ ok: false, reason: 'Write Mode could not load; try again.' }),
    );
    void outcome.then((done: { ok: boolean; reason?: string; masked?: true; afterReport?: () => void }) => {
      // Undefined fields stay out of the JSON sent.
      const reported = call(REPORT_ACTION, { result: { id, ok: done.ok, reason: done.reason, masked: done.masked } });
      if (done.afterReport)
        void Promise.race([reported, new Promise((resolve) => setTimeout(resolve, REPORT_BEFORE_LEAVING_MS))]).then(done.afterReport);
    });
  };
  /** The page's fonts and images, for agents whose browsers cannot fetch them (/widget-assets.js). */
  const sendAssets = (customerToken: string) => {
    const masking = recorder.masking();
    const noop = () => {};
    if (masking)
      chunk<{ sendPageAssets: typeof sendPageAssets }>('assets')
        .then((code) => code.sendPageAssets(serverOrigin, customerToken, masking))
        .then((files) => Object.keys(files).length > 0 && recorder.custom(PAGE_ASSETS_EVENT_TAG, { files }), noop);
  };
  const recorder = createRecorder((batch) => (client && live() ? client.upload(batch) : Promise.resolve()), chunk);
  /** Records the page under the session's rules (a snapshot first), with its fonts and images when the site sends them. */
  let cues: unknown;
  const record = (open: OpenSession) => {
    recorder.start(open.rules);
    // Trusted frames of other sites record themselves (widget/frames), asked by this page's chunk.
    if (open.rules?.frameOrigins.length)
      chunk<{ mirrorFrames: typeof mirrorFrames }>('frames').then(
        (code) => code.mirrorFrames(recorder, open.rules!.frameOrigins),
        () => {},
      );
    // The masked-field cue and the pointer states, loaded the first time an agent is here.
    cues ??= chunk<{ watchCustomerCues: typeof watchCustomerCues }>('cues').then(
      (code) =>
        code.watchCustomerCues(
          shadow,
          recorder,
          () => machine.phase === 'joined',
          t,
          (message) => emit('notice', { message, kind: 'info' }),
        ),
      () => (cues = undefined),
    );
    if (open.rules?.captureAssets) sendAssets(open.session.customerToken);
  };

  const notify = (message: string, kind: NoticeKind = 'info', code: string | null = null) => {
    panel.notify(message, kind);
    emit('notice', { message, kind });
    if (kind === 'error') emit('error', { message, code });
  };

  /** Tears the session down on this page, once: the machine ends a session only once. */
  const finish = (endedBy: ActorKind | null) => {
    panel.askWriteMode(null);
    panel.showWriteMode(false);
    recorder.stop();
    stopStream?.();
    client?.dispose();
    client = null;
    clearSession();
    withPointer((shown) => shown.hide(), 1);
    annotations((shown) => shown.apply({ type: 'clear-annotations' }), 1);
    guided((shown) => shown.hide(), 1);
    panel.showStart(false);
    notify(endedBy === 'AGENT' ? t.endedByAgent : endedBy === 'CUSTOMER' ? t.endedByYou : t.ended);
    emit('ended', { endedBy });
  };

  /** An agent is here now: one who joined, or one who took the session over from another (`text`). */
  const agentJoined = (session: SessionState, text = t.agentJoined) => {
    notify(fill(text, { agent: session.agentName ?? t.anAgent }));
    emit('agent-joined', { agentName: session.agentName });
  };

  const onSession = (event: SessionEventKind, session: SessionState, by?: ActorKind, byName?: string) => {
    const fresh = live()?.fresh;
    go({ type: 'session', event, session });
    if (!live()) return; // it ended
    if (!options.onWriteRequest) panel.askWriteMode(session.writeRequest ? (session.agentName ?? '') : null);
    else if (session.writeRequest) askSiteAbout(session.writeRequest, session.agentName);
    panel.showWriteMode(session.mode === 'WRITE');
    if (session.mode === 'WRITE') loadActionCode().catch(() => {}); // ready before the first action
    if (event === 'state') {
      // First session message of every (re)subscription, right after the rules: record under
      // them, or send a fresh snapshot to resync the agent. Online first: the snapshot then goes
      // straight out instead of being measured for the offline buffer. Nothing of the page is
      // recorded while no agent has joined: a session may wait for minutes, and end unjoined.
      recorder.setOnline(true);
      if (machine.phase === 'joined') record(machine);
      // From a chat the agent joins at once, maybe before this stream was up: say so all the same.
      if (fresh && machine.phase === 'joined') agentJoined(session);
    } else if (event === 'agent-joined') {
      // Recording starts when the agent's page asks for the page, which it does once its stream
      // is up: the first snapshot then leaves once, of the page as it is when the agent arrives.
      agentJoined(session);
    } else if (event.endsWith('over')) {
      // `handed-over` or `supervisor-took-over`: someone else holds the session now.
      agentJoined(session, t.tookOver);
    } else if (event === 'agent-left') {
      withPointer((shown) => shown.hide(), 1);
      annotations((shown) => shown.apply({ type: 'clear-annotations' }), 1);
      notify(t.agentLeft);
    } else if (event === 'write-approved') {
      notify(t.writeApproved);
      emit('mode', { mode: 'WRITE', by: 'CUSTOMER' });
    } else if (event === 'write-declined') {
      notify(t.writeDeclined);
    } else if (event === 'write-expired') {
      notify(t.writeExpired);
    } else if (event === 'supervisor-joined') {
      notify(fill(t.supervisorJoined, { name: byName ?? '' }));
      emit('supervisor', { watching: true, name: byName ?? null });
    } else if (event === 'supervisor-left') {
      notify(t.supervisorLeft);
      emit('supervisor', { watching: false, name: null });
    } else if (event === 'pointer-mode') {
      notify(by === 'AGENT' ? t.pointerByAgent : t.pointerByYou);
      emit('mode', { mode: 'POINTER', by: by ?? null });
    }
    panel.setStatus(session.status, statusText(session, t));
    emit('state', session);
  };

  const onMessage = (message: StreamMessage) => {
    if (message.type === 'session') {
      onSession(message.event, message.session, message.by, message.byName);
      // Loaded by a request (or a page load in Guided Mode); once loaded it hears every change.
      guided((shown) => shown.apply(message), !message.session.guidedRequest && message.session.mode !== 'GUIDED');
    } else if (message.type === 'scroll' || message.type === 'highlight') guided((shown) => shown.apply(message));
    else if (message.type === 'rules') go(message);
    else if (message.type === 'action') onAction(message.id, message.action);
    // Starts recording at the first request after a join (a second one resends the kept snapshot);
    // a session nobody has joined is never recorded, whoever asks.
    else if (message.type === 'snapshot-request') {
      if (machine.phase === 'joined') record(machine);
    } else if (message.type === 'pointer') withPointer((shown) => shown.move(...recorder.locate(message.target)));
    else if (message.type === 'click') withPointer((shown) => shown.click(...recorder.locate(message.target)));
    else if (message.type === 'annotate' || message.type === 'clear-annotations') annotations((shown) => shown.apply(message));
  };

  const current = () => live()?.session;
  const subscribe = () => {
    const session = current();
    if (!client || !session) return;
    stopStream = client.subscribe<{ sessionStream: StreamMessage }>(
      { query: SESSION_STREAM, variables: { sessionId: session.sessionId } },
      {
        next: ({ data }) => data && current() === session && onMessage(data.sessionStream),
        error: (error) => {
          if (current() !== session) return;
          const code = Array.isArray(error) ? (error as GraphQLErrorLike[])[0]?.extensions?.code : undefined;
          if (typeof code === 'string' && FATAL_STREAM_CODES.includes(code)) return void go({ type: 'end', endedBy: null });
          // Fell behind, or the server had a problem: open a new stream, which resyncs the agent.
          recorder.setOnline(false);
          if (!Array.isArray(error)) {
            client?.dispose();
            client = null;
          }
          setTimeout(() => current() === session && connect(), RESUBSCRIBE_DELAY_MS);
        },
        complete: () => {},
      },
    );
  };

  const connect = () => {
    const session = current()!;
    client ??= openSocket(serverOrigin, session.customerToken, {
      connected() {
        const lost = live()?.link === 'reconnecting';
        if (!go({ type: 'connected', session })) return;
        if (lost) notify(t.reconnected);
        emit('connection', { connected: true });
      },
      closed() {
        if (!go({ type: 'lost', session })) return;
        recorder.setOnline(false);
        panel.setStatus('OFFLINE', t.reconnecting);
        notify(t.connectionLost, 'error');
        emit('connection', { connected: false });
      },
      rtt: (ms) => panel !== NO_PANEL && showRtt(shadow, fill(t.rtt, { ms })),
    });
    subscribe();
  };

  const open = (session: StoredSession, fresh = false) => {
    go({ type: 'open', session, fresh });
    panel.showSession(session.code);
    panel.setStatus('WAITING', t.connecting);
    connect();
    // The packing code, fetched while the session waits for an agent: the recorder's own import of
    // it at the join then finds it loaded, and the first snapshot does not wait for the network.
    chunk('pack').catch(() => {});
  };

  const api: CobrowseApi = {
    init(settings = {}) {
      if (drawn) return Promise.reject(new Error('Cobrowse.init() must come first, and once'));
      options = settings;
      return draw();
    },
    async start(startOptions) {
      await draw();
      const session = current();
      if (session) return { sessionId: session.sessionId, code: session.code };
      return (starting ??= (async () => {
        go({ type: 'start' });
        panel.showStart(true);
        try {
          const { startSession } = await postGraphQL<{ startSession: { customerToken: string; session: { id: string; code: string } } }>(
            serverOrigin,
            START_SESSION,
            {
              input: {
                url: pageAddress(location.href),
                viewportWidth: innerWidth,
                viewportHeight: innerHeight,
                chatToken: openChatToken(),
                metadata: startOptions?.metadata ?? options.metadata ?? metadata,
                invitationId: startOptions?.invitationId,
              },
            },
          );
          const started = { sessionId: startSession.session.id, code: startSession.session.code };
          const session = { ...started, customerToken: startSession.customerToken };
          saveSession(session);
          open(session, true);
          joinTabs();
          notify(t.started);
          emit('started', started);
          return started;
        } catch (error) {
          go({ type: 'start-failed' });
          panel.showStart(false);
          notify((error as Error).message, 'error', (error as { code?: string }).code ?? null);
          throw error;
        } finally {
          starting = null;
        }
      })());
    },
    async exit() {
      await draw();
      const open = live();
      if (!open) return;
      recorder.stop(); // nothing more leaves the page from now on
      const variables = { sessionId: open.session.sessionId };
      try {
        await (client && open.link === 'connected'
          ? execute(client, EXIT_SESSION, variables)
          : postGraphQL(serverOrigin, EXIT_SESSION, variables, open.session.customerToken));
      } catch {
        // Ended here regardless; the server sees the socket close and tells the agent.
      }
      go({ type: 'end', endedBy: 'CUSTOMER' });
    },
    async pointerMode() {
      await call(POINTER_MODE, {});
    },
    on(event, handler) {
      const set = handlers.get(event) ?? new Set();
      handlers.set(event, set.add(handler));
      return () => void set.delete(handler);
    },
  };

  // Sites call init() first thing (or queue it); without it the widget draws once the page has loaded.
  const drawLater = () => setTimeout(draw);
  if (document.readyState === 'loading') addEventListener('DOMContentLoaded', drawLater);
  else drawLater();
  return api;
}
