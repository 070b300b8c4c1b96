'use client';

import { gql } from '@urql/core';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useEffect, useMemo, useState } from 'react';
import type { RecordedEvent } from '../../../protocol/messages';
import { createGraphQLClients, describeError } from '../../lib/graphql-client';
import { TopBar } from '../../lib/top-bar';
import { RecordingPlayer } from './recording-player';
import { formatCode } from '../../lib/session-code';

const SESSION_RECORDING = gql`
  query SessionRecording($id: ID!) {
    session(id: $id) {
      id
      code
      createdAt
      endedAt
      agent {
        name
      }
      recording {
        available
        events
      }
    }
  }
`;

interface Recorded {
  code: string;
  createdAt: string;
  endedAt: string | null;
  agent: { name: string } | null;
  recording: { available: boolean; events: RecordedEvent[] };
}

/** B11: a supervisor replays a recorded session after it ends, masked as the agent saw it. */
export function SessionReplay() {
  const sessionId = useSearchParams().get('session');
  const { urql } = useMemo(() => createGraphQLClients(), []);
  const [session, setSession] = useState<Recorded | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    if (!sessionId) return setProblem('No session was chosen.');
    void urql
      .query<{ session: Recorded | null }>(SESSION_RECORDING, { id: sessionId })
      .toPromise()
      .then((result) => {
        if (result.data?.session) setSession(result.data.session);
        else setProblem(describeError(result.error)?.message ?? 'No such session.');
      });
  }, [urql, sessionId]);

  return (
    <div className="app-shell">
      <TopBar urql={urql} status="Supervisor" />
      <main className="watch-main">
        <header className="watch-head">
          <div>
            <h1>
              {session ? `Session ${formatCode(session.code)}` : 'Session replay'}
              <span className="watch-badge">Recording</span>
            </h1>
            {session && (
              <p className="muted small">
                {session.agent?.name ?? 'No agent'} · started {new Date(session.createdAt).toLocaleString()}
                {session.endedAt ? ` · ended ${new Date(session.endedAt).toLocaleString()}` : ' · still running'}
              </p>
            )}
          </div>
          <Link href="/supervisor" className="button ghost">
            Back to sessions
          </Link>
        </header>
        {problem && (
          <p className="alert" role="alert">
            {problem}
          </p>
        )}
        {session &&
          (session.recording.available ? (
            <section className="browser" aria-label="Recorded session">
              <RecordingPlayer events={session.recording.events} />
            </section>
          ) : (
            <p className="empty-note" data-testid="replay-unavailable">
              This session was not recorded. Turn on “Keep session recordings” on the admin page to record future sessions.
            </p>
          ))}
      </main>
    </div>
  );
}
