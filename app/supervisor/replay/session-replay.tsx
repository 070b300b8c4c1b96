'use client';

import { gql } from '@urql/core';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useEffect, useMemo, useState } from 'react';
import type { RecordedEvent } from '../../../protocol/messages';
import { unpackAll } from '../../../protocol/packed-events';
import { createGraphQLClients, describeError } from '../../lib/graphql-client';
import { TopBar } from '../../lib/top-bar';
import { RecordingPlayer } from './recording-player';
import { formatCode } from '../../lib/session-code';

const SESSION_RECORDING = gql`
  query SessionRecording($id: ID!, $after: String) {
    session(id: $id) {
      id
      code
      createdAt
      endedAt
      agent {
        name
      }
      recording(first: 20, after: $after) {
        available
        events
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`;

interface Recorded {
  code: string;
  createdAt: string;
  endedAt: string | null;
  agent: { name: string } | null;
  recording: { available: boolean; events: RecordedEvent[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

type Urql = ReturnType<typeof createGraphQLClients>['urql'];

/** The whole recording, read a page at a time (the server never sends a long session in one answer). */
async function loadRecording(urql: Urql, id: string): Promise<Recorded> {
  let after: string | null = null;
  let whole: Recorded | null = null;
  for (;;) {
    const result: { data?: { session: Recorded | null }; error?: Parameters<typeof describeError>[0] } = await urql
      .query<{ session: Recorded | null }>(SESSION_RECORDING, { id, after })
      .toPromise();
    const page: Recorded | null | undefined = result.data?.session;
    if (!page) throw new Error(describeError(result.error)?.message ?? 'No such session.');
    const events: RecordedEvent[] = whole ? [...whole.recording.events, ...page.recording.events] : page.recording.events;
    whole = { ...page, recording: { ...page.recording, events } };
    // Large batches were recorded packed, as the widget sent them.
    if (!page.recording.pageInfo.hasNextPage) return { ...whole, recording: { ...whole.recording, events: await unpackAll(events) } };
    after = page.recording.pageInfo.endCursor;
  }
}

/** B11: a supervisor replays a recorded session after it ends, masked as the agent saw it. */
export function SessionReplay() {
  const sessionId = useSearchParams().get('session');
  const { urql } = useMemo(() => createGraphQLClients(), []);
  const [session, setSession] = useState<Recorded | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    if (!sessionId) return setProblem('No session was chosen.');
    void loadRecording(urql, sessionId).then(setSession, (error: Error) => setProblem(error.message));
  }, [urql, sessionId]);

  return (
    <div className="app-shell">
      <TopBar status="Supervisor" />
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
