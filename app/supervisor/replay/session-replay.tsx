'use client';

import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useEffect, useState } from 'react';
import { useClient, type Client, type OperationResult } from 'urql';
import { graphql } from '../../../graphql/generated/client';
import type { SessionRecordingQuery } from '../../../graphql/generated/client/graphql';
import type { RecordedEvent } from '../../../protocol/messages';
import { unpackAll } from '../../../protocol/packed-events';
import { withFrameEvents } from '../../lib/replay-frames';
import { describeError } from '../../lib/graphql-client';
import { TopBar } from '../../lib/top-bar';
import { RecordingPlayer } from './recording-player';
import { formatCode } from '../../lib/session-code';

const SESSION_RECORDING = graphql(`
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
`);

type Recorded = NonNullable<SessionRecordingQuery['session']> & {
  recording: { events: RecordedEvent[] };
};

/**
 * The whole recording, read a page at a time (the server never sends a long session in one
 * answer). One read from start to end, so it awaits each page rather than rendering them.
 */
async function loadRecording(client: Client, id: string): Promise<Recorded> {
  let after: string | null = null;
  let whole: Recorded | null = null;
  for (;;) {
    const result: OperationResult<SessionRecordingQuery> = await client.query(SESSION_RECORDING, { id, after }).toPromise();
    const page = result.data?.session as Recorded | null | undefined;
    if (!page) throw new Error(describeError(result.error)?.message ?? 'No such session.');
    const events: RecordedEvent[] = whole ? [...whole.recording.events, ...page.recording.events] : page.recording.events;
    whole = { ...page, recording: { ...page.recording, events } };
    // Large batches were recorded packed, as the widget sent them; trusted frames' events in their frame's place.
    if (!page.recording.pageInfo.hasNextPage)
      return { ...whole, recording: { ...whole.recording, events: await withFrameEvents(await unpackAll(events)) } };
    after = page.recording.pageInfo.endCursor ?? null;
  }
}

/** A supervisor replays a recorded session after it ends, masked as the agent saw it. */
export function SessionReplay() {
  const sessionId = useSearchParams().get('session');
  const client = useClient();
  const [session, setSession] = useState<Recorded | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    if (!sessionId) return setProblem('No session was chosen.');
    void loadRecording(client, sessionId).then(setSession, (error: Error) => setProblem(error.message));
  }, [client, sessionId]);

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
