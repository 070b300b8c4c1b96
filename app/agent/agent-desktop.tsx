'use client';

import { useCallback, useEffect, useReducer, useRef, useState, type FormEvent } from 'react';
import type { AgentAction, AgentSignal, AnnotationTool, PointerTarget, StreamMessage } from '../../protocol/messages';
import { DEFAULT_CAPABILITIES } from '../../protocol/guided-mode';
import { REQUEST_GUIDED_MODE } from '../lib/guided-documents';
import { GuidedTools } from './guided-tools';
import { StrokeIcon } from '../lib/stroke-icon';
import { AnnotationTools } from './annotation-tools';
import { EXIT_SESSION, JOIN_SESSION, ME, MY_ACTIVE_SESSION, REQUEST_WRITE_MODE, SET_POINTER_MODE } from '../lib/documents';
import { useMutation, useQuery } from 'urql';
import type { SessionSummaryFieldsFragment } from '../../graphql/generated/client/graphql';
import { describeError } from '../lib/graphql-client';
import { useConnected, useWsClient } from '../lib/graphql-provider';
import { TopBar } from '../lib/top-bar';
import { CobrowseStage, type StageHandle, type ViewportMode } from './cobrowse-stage';
import { NavigationBar } from './navigation-bar';
import { CustomerTabIndicator } from './customer-tab';
import type { CustomerTab } from '../../protocol/customer-tabs';
import { MASKED_FIELD_NOTICE } from './agent-marks';
import { NoticeList, useNotices } from './notices';
import { sendSignal, useResync, useSessionStream } from './use-session-stream';
import { formatCode } from '../lib/session-code';
import { ConnectionRtt } from './connection-rtt';
import { CustomerCard } from './customer-card';
import { CustomerPresence } from './customer-presence';
import { ChatPanel } from './chat-panel';
import { useCustomerJoin } from './customer-join';
import { NO_SESSION, noticeFor, sessionViewReducer } from './session-view';
import { useDesktopBridge, type DesktopBridge } from './desktop-bridge';
import { HandoverButton } from './handover-button';
import { HandoverOffers } from './handover-offers';
import { HANDOVER_ENABLED } from '../lib/handover-documents';
import { CustomerInvite } from './customer-invite';

/**
 * The agent's desktop: join by session ID, watch and point, exit. Embedded (in another site's
 * frame) it leaves out the top bar and the chat panel, and `bridge` lets the framing page drive it.
 */
export function AgentDesktop({ embedded = false, bridge }: { embedded?: boolean; bridge?: DesktopBridge } = {}) {
  // Shown as online until the socket first says otherwise.
  const connected = useConnected() !== false;
  const ws = useWsClient();
  const { notices, notify, dismiss } = useNotices();
  const [{ data: signedIn }] = useQuery({ query: ME });
  const me = signedIn?.me ?? null;
  // Read by the stream's handler: a hand-over names the agent who holds the session now.
  const myId = useRef<string | undefined>(undefined);
  myId.current = me?.id;
  const [{ data: handover }] = useQuery({ query: HANDOVER_ENABLED });
  const handoverOn = handover?.handoverEnabled === true;
  const [handoverPendingWith, setHandoverPendingWith] = useState<string | null>(null);
  // A reload keeps the agent in the session they had open.
  const [{ data: resumed }] = useQuery({ query: MY_ACTIVE_SESSION });
  const [, joinByCode] = useMutation(JOIN_SESSION);
  const [, exitSession] = useMutation(EXIT_SESSION);
  const [, requestWriteMode] = useMutation(REQUEST_WRITE_MODE);
  const [, setPointerMode] = useMutation(SET_POINTER_MODE);
  const [, requestGuidedMode] = useMutation(REQUEST_GUIDED_MODE);
  const [view, dispatch] = useReducer(sessionViewReducer, NO_SESSION);
  const { session, customerGoneAt, customer, viewport, pageUrl, tab, rules, writeRequested, guidedRequested } = view;
  // What the admin lets agents use; a tool turned off is not shown (and the server refuses it).
  const can = rules?.capabilities ?? DEFAULT_CAPABILITIES.agent;
  const [highlighting, setHighlighting] = useState(false);
  const customerOnline = customerGoneAt === null;
  // Read by the stream's handler, which outlives renders: whether the customer had gone before a message.
  const customerGone = useRef(false);
  const [joining, setJoining] = useState(false);
  const [code, setCode] = useState('');
  const [viewportMode, setViewportMode] = useState<ViewportMode>('fit');
  const [annotationTool, setAnnotationTool] = useState<AnnotationTool | null>(null);
  const [pinned, setPinned] = useState(false);
  const [clears, setClears] = useState(0);
  const lastRefusal = useRef(-Infinity);
  const actionIds = useRef(0);
  const stage = useRef<StageHandle | null>(null);

  useEffect(() => {
    if (signedIn && !signedIn.me && !embedded) location.assign('/login?next=/agent');
  }, [signedIn, embedded]);

  useEffect(() => {
    const active = resumed?.myActiveSession;
    if (!active) return;
    dispatch({ type: 'joined', session: active });
    notify('info', `Reconnected to session ${formatCode(active.code)}.`);
  }, [resumed, notify]);

  const leave = useCallback(() => {
    dispatch({ type: 'left' });
    customerGone.current = false;
    setHandoverPendingWith(null);
  }, []);

  const onMessage = useCallback(
    (message: StreamMessage) => {
      if (message.type === 'events') return stage.current?.addEvents(message.batch.events);
      dispatch({ type: 'stream', message });
      const wasGone = customerGone.current;
      if (message.type === 'session') customerGone.current = message.session.customerGoneAt !== null;
      const notice = noticeFor(message, wasGone, myId.current);
      if (message.type === 'session' && (message.event === 'handover-declined' || message.event === 'handover-expired')) {
        setHandoverPendingWith(null);
      }
      if (notice) notify(notice.tone, notice.text, notice.special);
      if (notice?.ends) leave();
    },
    [leave, notify],
  );

  useSessionStream(ws, session?.id ?? null, onMessage, (text) => notify('error', text));

  const joinedNow = (joined: SessionSummaryFieldsFragment) => {
    dispatch({ type: 'joined', session: joined });
    setCode('');
    notify('success', `Connected to session ${formatCode(joined.code)}. You are in Pointer Mode.`);
  };
  const customerJoin = useCustomerJoin({ notify, onJoined: joinedNow });

  async function join(event: FormEvent) {
    event.preventDefault();
    if (joining) return;
    setJoining(true);
    // Nine digits (spaces and dashes allowed) are a session ID; anything else names the customer.
    const typed = code.trim();
    const byCode = /^[\d\s-]+$/.test(typed);
    if (!byCode) {
      await customerJoin.begin(typed);
      return setJoining(false);
    }
    await joinWithCode(typed);
    setJoining(false);
  }

  async function joinWithCode(typed: string): Promise<string | null> {
    const result = await joinByCode({ code: typed });
    const error = describeError(result.error);
    const joined = result.data?.joinSession;
    if (error || !joined) return refused(error?.message ?? 'Could not join.');
    joinedNow(joined);
    return null;
  }

  /** Says the server's refusal on the page and hands it back (to the embed view's bridge). */
  function refused(message: string) {
    notify('error', message);
    return message;
  }

  async function exit(): Promise<string | null> {
    if (!session) return null;
    const result = await exitSession({ sessionId: session.id });
    const error = describeError(result.error);
    if (error) return refused(error.message);
    notify('info', 'You ended the co-browse session.');
    leave();
    return null;
  }

  const signal = useCallback(
    (type: 'pointer' | 'click', target: PointerTarget) => {
      if (session && can.point) void sendSignal(ws, session.id, { type, target });
    },
    [ws, session, can.point],
  );

  /**
   * Sends a signal the server may refuse many times a second (wheel scrolls, a stroke piece by
   * piece): a refusal is said once while it lasts.
   */
  const sendRepeated = useCallback(
    (signal: AgentSignal) => {
      if (!session) return;
      void sendSignal(ws, session.id, signal).then((refused) => {
        if (!refused || performance.now() - lastRefusal.current < REFUSAL_QUIET_MS) return;
        lastRefusal.current = performance.now();
        notify('warning', refused);
      });
    },
    [ws, session, notify],
  );

  async function askForGuidedMode() {
    if (!session) return;
    const result = await requestGuidedMode({ sessionId: session.id });
    const error = describeError(result.error);
    if (error) return notify('error', error.message);
    notify('info', 'Guided Mode requested. Waiting for the customer to approve…');
  }

  function clearAnnotations() {
    setClears((count) => count + 1);
    sendRepeated({ type: 'clear-annotations' });
  }

  const resync = useResync(ws, session?.id ?? null);
  const unreadable = useCallback(() => {
    if (resync()) notify('warning', 'Part of the customer’s page could not be read; asking their browser for a fresh copy.');
  }, [resync, notify]);

  const act = useCallback(
    async (action: AgentAction, target?: string) => {
      if (!session) return;
      const refused = await sendSignal(ws, session.id, { type: 'action', id: ++actionIds.current, action, ...(target ? { target } : {}) });
      if (refused) notify('warning', refused);
    },
    [ws, session, notify],
  );

  async function changeMode(toWrite: boolean): Promise<string | null> {
    if (!session) return null;
    const result = await (toWrite ? requestWriteMode : setPointerMode)({ sessionId: session.id });
    const error = describeError(result.error);
    if (error) return refused(error.message);
    if (toWrite) notify('info', 'Write Mode requested. Waiting for the customer to approve…');
    return null;
  }

  useDesktopBridge(
    bridge,
    { session, customerOnline: customerGoneAt === undefined ? null : customerOnline, writeRequested },
    { join: joinWithCode, requestWrite: () => changeMode(true), end: exit },
  );

  const onViewport = useCallback((size: { width: number; height: number }) => dispatch({ type: 'viewport', viewport: size }), []);
  const onPage = useCallback((url: string) => dispatch({ type: 'page', url }), []);
  const onTab = useCallback((shown: CustomerTab) => dispatch({ type: 'tab', tab: shown }), []);

  const inWriteMode = session?.mode === 'WRITE';
  const inGuidedMode = session?.mode === 'GUIDED';
  const guiding = (inWriteMode || inGuidedMode) && (can.scroll || can.annotate);
  // The highlight tool goes down when the mode that allows it ends.
  useEffect(() => {
    if (!guiding) setHighlighting(false);
  }, [guiding]);

  return (
    <div className={embedded ? 'app-shell agent-shell embedded' : 'app-shell agent-shell'}>
      {!embedded && <TopBar status={connected ? 'Online' : 'Reconnecting…'} statusTone={connected ? 'up' : 'down'} who={me?.name} />}

      <main className="agent-main">
        <section className="toolbar" aria-label="Session">
          {session ? (
            <div className="session-info">
              <div>
                <div className="session-title">Session {formatCode(session.code)}</div>
                <CustomerPresence goneAt={customerGoneAt} />
              </div>
              <CustomerCard customer={customer} />
              {inWriteMode ? (
                <span className="badge write" title="You can click, type and navigate in the customer's page.">
                  Write Mode
                </span>
              ) : inGuidedMode ? (
                <span
                  className="badge guided"
                  title="You can scroll the customer's page and highlight elements; you cannot click, type or navigate."
                  data-testid="guided-mode-badge"
                >
                  Guided Mode
                </span>
              ) : (
                <span className="badge" title="You can see and point; you cannot type, navigate or submit.">
                  Pointer Mode
                </span>
              )}
              {inWriteMode || inGuidedMode ? (
                <button
                  type="button"
                  className="icon-button"
                  onClick={() => changeMode(false)}
                  aria-label="Back to Pointer Mode"
                  title="Back to Pointer Mode"
                  data-testid="pointer-mode"
                >
                  <ToolIcon name="pointer" />
                </button>
              ) : (
                rules?.writeModeEnabled &&
                (can.control || can.navigate) && (
                  <button
                    type="button"
                    className="icon-button"
                    onClick={() => changeMode(true)}
                    disabled={writeRequested}
                    aria-label={writeRequested ? 'Waiting for the customer to approve Write Mode' : 'Ask for Write Mode'}
                    title={writeRequested ? 'Waiting for the customer…' : 'Ask for Write Mode'}
                    data-testid="request-write"
                  >
                    <ToolIcon name="pencil" />
                  </button>
                )
              )}
              {!inWriteMode && !inGuidedMode && can.scroll && (
                <button
                  type="button"
                  className="icon-button"
                  onClick={askForGuidedMode}
                  disabled={guidedRequested || writeRequested}
                  aria-label={
                    guidedRequested ? 'Waiting for the customer to approve Guided Mode' : 'Request Guided Mode (scroll and highlight)'
                  }
                  title={guidedRequested ? 'Waiting for the customer…' : 'Request Guided Mode: scroll and highlight for the customer'}
                  data-testid="request-guided"
                >
                  <ToolIcon name="guide" />
                </button>
              )}
              {handoverOn && (
                <HandoverButton
                  sessionId={session.id}
                  pendingWith={handoverPendingWith}
                  onOffered={setHandoverPendingWith}
                  notify={notify}
                />
              )}
            </div>
          ) : (
            <form className="join-form" onSubmit={join}>
              <label htmlFor="session-id" className="join-label">
                Session ID
              </label>
              <input
                id="session-id"
                className="join-input"
                autoComplete="off"
                placeholder="123 123 123 or customer e-mail"
                title="The 9-digit ID the customer reads out, or the customer's e-mail or account ID"
                value={code}
                onChange={(event) => setCode(event.target.value)}
                data-testid="session-id-input"
              />
              <button
                type="submit"
                className="icon-button primary"
                aria-label="Join session"
                title="Join session"
                disabled={joining || code.trim() === ''}
                data-testid="session-join"
              >
                <GlobeIcon />
              </button>
            </form>
          )}
          <div className="toolbar-end">
            <ConnectionRtt ws={ws} />
            <div className="segmented" role="group" aria-label="View size">
              <button type="button" aria-pressed={viewportMode === 'fit'} onClick={() => setViewportMode('fit')} data-testid="viewport-fit">
                Scale to fit
              </button>
              <button
                type="button"
                aria-pressed={viewportMode === 'actual'}
                onClick={() => setViewportMode('actual')}
                data-testid="viewport-actual"
              >
                Actual size
              </button>
            </div>
            {viewport && (
              <span className="muted small" data-testid="viewport-size" title="The customer's browser viewport">
                {viewport.width} × {viewport.height}
              </span>
            )}
            {session && (
              <button type="button" className="button danger" onClick={exit} data-testid="exit-session">
                Exit Session
              </button>
            )}
          </div>
        </section>

        <HandoverOffers
          shown={handoverOn}
          notify={notify}
          onAccepted={(taken, offer) => {
            dispatch({ type: 'joined', session: taken });
            notify('success', `You took over session ${formatCode(taken.code)} from ${offer.fromAgentName}. You are in Pointer Mode.`);
          }}
        />
        <NoticeList notices={notices} onDismiss={dismiss} />
        {!session && customerJoin.panel}

        <section className="browser" data-testid="cobrowse-view" aria-label="Customer's page">
          <NavigationBar
            url={session ? (pageUrl ?? session.url) : null}
            enabled={inWriteMode && customerOnline && can.navigate}
            onNavigate={(action) => act(action, action.kind === 'open' ? action.url : action.to)}
          >
            {session && <CustomerTabIndicator tab={tab} url={pageUrl ?? session.url} />}
            {session && guiding && (
              <GuidedTools
                canScroll={can.scroll}
                canHighlight={can.annotate}
                highlighting={highlighting}
                onHighlighting={(on) => {
                  setHighlighting(on);
                  if (on) setAnnotationTool(null);
                }}
                onSignal={sendRepeated}
              />
            )}
            {session && can.annotate && (
              <AnnotationTools
                tool={annotationTool}
                pinned={pinned}
                onTool={(tool) => {
                  setAnnotationTool(tool);
                  if (tool) setHighlighting(false);
                }}
                onPinned={setPinned}
                onClear={clearAnnotations}
              />
            )}
          </NavigationBar>
          {session ? (
            <CobrowseStage
              key={session.id}
              viewportMode={viewportMode}
              mode={session.mode}
              disabledSelectors={rules?.disabledSelectors ?? []}
              onAction={act}
              onRefused={(reason) => notify('warning', reason)}
              onMaskedField={() => notify('warning', MASKED_FIELD_NOTICE, 'masked-field')}
              onUnreadable={unreadable}
              onReady={(handle) => (stage.current = handle)}
              onPointer={(target) => signal('pointer', target)}
              onClick={(target) => signal('click', target)}
              onViewport={onViewport}
              onPage={onPage}
              onTab={onTab}
              annotationTool={annotationTool}
              pinned={pinned}
              clears={clears}
              onAnnotate={sendRepeated}
              highlighting={highlighting}
              onGuided={guiding ? sendRepeated : undefined}
            />
          ) : (
            <div className="empty-state">
              <GlobeIcon large />
              <h2>No co-browse session</h2>
              <p className="muted">Ask the customer to click “Start Co-browse” on the website and read you the 9-digit session ID.</p>
              {!embedded && (
                <CustomerInvite
                  notify={notify}
                  onJoined={(joined) => {
                    dispatch({ type: 'joined', session: joined });
                    notify('success', `The customer accepted: connected to session ${formatCode(joined.code)}. You are in Pointer Mode.`);
                  }}
                />
              )}
            </div>
          )}
        </section>
      </main>
      {!embedded && (
        <ChatPanel
          notify={notify}
          hasSession={session !== null}
          onJoined={(joined) => {
            dispatch({ type: 'joined', session: joined });
            notify('success', `The customer started co-browse from the chat: connected to session ${formatCode(joined.code)}.`);
          }}
        />
      )}
    </div>
  );
}

/** A refused annotation is told at most this often. */
const REFUSAL_QUIET_MS = 5000;

function GlobeIcon({ large = false }: { large?: boolean }) {
  const size = large ? 48 : 20;
  return (
    <svg viewBox="0 0 24 24" width={size} height={size} fill="none" stroke="currentColor" strokeWidth="1.8" aria-hidden="true">
      <circle cx="12" cy="12" r="9" />
      <path d="M3 12h18M12 3c2.5 2.6 3.8 5.6 3.8 9s-1.3 6.4-3.8 9c-2.5-2.6-3.8-5.6-3.8-9S9.5 5.6 12 3z" />
    </svg>
  );
}

const ICON_PATHS = {
  pencil: ['M4 20h4L19 9l-4-4L4 16v4z', 'M13.5 6.5l4 4'],
  pointer: ['M5 3l14 7-6 2-2 6z'],
  /** A compass needle: the agent guides, the customer drives. */
  guide: ['M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18z', 'M15.5 8.5l-2 5-5 2 2-5z'],
};

const ToolIcon = ({ name }: { name: keyof typeof ICON_PATHS }) => <StrokeIcon paths={ICON_PATHS[name]} />;
