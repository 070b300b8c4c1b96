'use client';

import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useCallback, useRef, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import type { PointerTarget, SessionState, StreamMessage } from '../../../protocol/messages';
import { CobrowseStage, type StageHandle } from '../../agent/cobrowse-stage';
import { ReadOnlyStage } from '../../agent/read-only-stage';
import { CustomerTabIndicator } from '../../agent/customer-tab';
import type { CustomerTab } from '../../../protocol/customer-tabs';
import { sendSignal, useResync, useSessionStream } from '../../agent/use-session-stream';
import { EXIT_SESSION } from '../../lib/documents';
import { describeError } from '../../lib/graphql-client';
import { HANDOVER_ENABLED, TAKE_OVER_SESSION } from '../../lib/handover-documents';
import { useConnected, useWsClient } from '../../lib/graphql-provider';
import { TopBar } from '../../lib/top-bar';
import { formatCode } from '../../lib/session-code';
import '../../agent/handover.css';

/**
 * A supervisor watches a live session read-only — the customer's page as the agent sees it,
 * with the customer's pointer. The customer and the agent are told someone is watching.
 */
export function LiveWatch() {
  const sessionId = useSearchParams().get('session');
  const online = useConnected() === true;
  const ws = useWsClient();
  const [session, setSession] = useState<SessionState | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [page, setPage] = useState<string | null>(null);
  const [tab, setTab] = useState<CustomerTab | null>(null);
  const [disabledSelectors, setDisabledSelectors] = useState<string[]>([]);
  const stage = useRef<StageHandle | null>(null);
  const [{ data: handover }] = useQuery({ query: HANDOVER_ENABLED });
  const [, takeOverSession] = useMutation(TAKE_OVER_SESSION);
  const [, exitSession] = useMutation(EXIT_SESSION);
  // Once taken over, this page is the session's agent view: the supervisor points, in Pointer Mode.
  const [tookOver, setTookOver] = useState(false);
  const [taking, setTaking] = useState(false);
  const [news, setNews] = useState<string | null>(null);

  const onMessage = useCallback((message: StreamMessage) => {
    if (message.type === 'events') return stage.current?.addEvents(message.batch.events);
    if (message.type === 'session') setSession(message.session);
    if (message.type === 'rules') setDisabledSelectors(message.rules.disabledSelectors);
  }, []);
  const ended = session?.status === 'ENDED';
  useSessionStream(ws, sessionId && !ended && !problem ? sessionId : null, onMessage, setProblem);
  const resync = useResync(ws, sessionId);
  const mayTakeOver =
    handover?.handoverEnabled === true && !tookOver && session !== null && (session.status === 'ACTIVE' || session.status === 'PAUSED');

  async function takeOver() {
    if (!sessionId || taking) return;
    setTaking(true);
    const result = await takeOverSession({ sessionId });
    setTaking(false);
    const error = describeError(result.error);
    if (error) return setProblem(error.message);
    setTookOver(true);
    setNews('You took over this session, in Pointer Mode. The agent’s view has ended and the customer was told.');
    // The interactive view starts empty: ask the customer's page for a fresh copy.
    void sendSignal(ws, sessionId, { type: 'request-snapshot' });
  }

  async function exit() {
    if (!sessionId) return;
    const result = await exitSession({ sessionId });
    const error = describeError(result.error);
    if (error) return setProblem(error.message);
  }

  const point = (type: 'pointer' | 'click') => (target: PointerTarget) => {
    if (sessionId) void sendSignal(ws, sessionId, { type, target });
  };

  return (
    <div className="app-shell">
      <TopBar status={online ? 'Live' : 'Connecting…'} statusTone={online ? 'up' : 'down'} />
      <main className="watch-main">
        <header className="watch-head">
          <div>
            <h1>
              {session ? `Session ${formatCode(session.code)}` : 'Watching a session'}
              <span className="watch-badge">{tookOver ? 'Your session' : 'Read-only'}</span>
            </h1>
            <p className="muted small" data-testid="watch-status">
              {ended
                ? 'This session has ended.'
                : tookOver
                  ? `You hold this session · ${MODE_NAMES[session?.mode ?? 'POINTER']} — move the mouse to point for the customer.`
                  : session
                    ? `${session.agentName ?? 'No agent yet'} · ${MODE_NAMES[session.mode]} · ${session.status.toLowerCase()} — the customer has been told you are watching.`
                    : 'Connecting…'}
            </p>
          </div>
          <div className="watch-actions">
            {mayTakeOver && (
              <button type="button" className="button primary" onClick={takeOver} disabled={taking} data-testid="watch-take-over">
                {taking ? 'Taking over…' : 'Take over'}
              </button>
            )}
            {tookOver && !ended ? (
              <button type="button" className="button danger" onClick={exit} data-testid="exit-session">
                Exit Session
              </button>
            ) : (
              <Link href="/supervisor" className="button ghost" data-testid="watch-stop">
                Stop watching
              </Link>
            )}
          </div>
        </header>
        {news && (
          <p className="success-text" role="status" data-testid="watch-notice">
            {news}
          </p>
        )}
        {problem && (
          <p className="alert" role="alert" data-testid="watch-problem">
            {problem}
          </p>
        )}
        <section className="browser" data-testid="watch-view" aria-label="The customer's page">
          <div className="browser-bar">
            <span className="address readonly">{page ?? 'Waiting for the customer’s page…'}</span>
            <CustomerTabIndicator tab={tab} url={page} />
          </div>
          {sessionId && !ended && tookOver && (
            <CobrowseStage
              viewportMode="fit"
              mode={session?.mode ?? 'POINTER'}
              disabledSelectors={disabledSelectors}
              onAction={() => {}}
              onRefused={setProblem}
              onMaskedField={() => {}}
              onUnreadable={resync}
              onReady={(handle) => (stage.current = handle)}
              onPointer={point('pointer')}
              onClick={point('click')}
              onViewport={() => {}}
              onPage={setPage}
              onTab={setTab}
            />
          )}
          {sessionId && !ended && !tookOver && (
            <ReadOnlyStage
              disabledSelectors={disabledSelectors}
              onReady={(handle) => (stage.current = handle)}
              onPage={setPage}
              onTab={setTab}
              onUnreadable={resync}
            />
          )}
        </section>
      </main>
    </div>
  );
}

const MODE_NAMES = { POINTER: 'Pointer Mode', GUIDED: 'Guided Mode', WRITE: 'Write Mode' } as const;
