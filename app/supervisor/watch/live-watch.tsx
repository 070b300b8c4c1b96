'use client';

import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useCallback, useRef, useState } from 'react';
import type { SessionState, StreamMessage } from '../../../protocol/messages';
import type { StageHandle } from '../../agent/cobrowse-stage';
import { ReadOnlyStage } from '../../agent/read-only-stage';
import { useResync, useSessionStream } from '../../agent/use-session-stream';
import { useConnected, useWsClient } from '../../lib/graphql-provider';
import { TopBar } from '../../lib/top-bar';
import { formatCode } from '../../lib/session-code';

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
  const [disabledSelectors, setDisabledSelectors] = useState<string[]>([]);
  const stage = useRef<StageHandle | null>(null);

  const onMessage = useCallback((message: StreamMessage) => {
    if (message.type === 'events') return stage.current?.addEvents(message.batch.events);
    if (message.type === 'session') setSession(message.session);
    if (message.type === 'rules') setDisabledSelectors(message.rules.disabledSelectors);
  }, []);
  const ended = session?.status === 'ENDED';
  useSessionStream(ws, sessionId && !ended && !problem ? sessionId : null, onMessage, setProblem);
  const resync = useResync(ws, sessionId);

  return (
    <div className="app-shell">
      <TopBar status={online ? 'Live' : 'Connecting…'} statusTone={online ? 'up' : 'down'} />
      <main className="watch-main">
        <header className="watch-head">
          <div>
            <h1>
              {session ? `Session ${formatCode(session.code)}` : 'Watching a session'}
              <span className="watch-badge">Read-only</span>
            </h1>
            <p className="muted small" data-testid="watch-status">
              {ended
                ? 'This session has ended.'
                : session
                  ? `${session.agentName ?? 'No agent yet'} · ${MODE_NAMES[session.mode]} · ${session.status.toLowerCase()} — the customer has been told you are watching.`
                  : 'Connecting…'}
            </p>
          </div>
          <Link href="/supervisor" className="button ghost" data-testid="watch-stop">
            Stop watching
          </Link>
        </header>
        {problem && (
          <p className="alert" role="alert" data-testid="watch-problem">
            {problem}
          </p>
        )}
        <section className="browser" data-testid="watch-view" aria-label="The customer's page">
          <div className="browser-bar">
            <span className="address readonly">{page ?? 'Waiting for the customer’s page…'}</span>
          </div>
          {sessionId && !ended && (
            <ReadOnlyStage
              disabledSelectors={disabledSelectors}
              onReady={(handle) => (stage.current = handle)}
              onPage={setPage}
              onUnreadable={resync}
            />
          )}
        </section>
      </main>
    </div>
  );
}

const MODE_NAMES = { POINTER: 'Pointer Mode', GUIDED: 'Guided Mode', WRITE: 'Write Mode' } as const;
