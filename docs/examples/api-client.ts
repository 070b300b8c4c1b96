/**
 * A third-party client of the Cobrowse API with a read-only API key, using urql's core client over HTTP and
 * graphql-ws for the live feed — the same libraries the product's own pages use.
 *
 *   COBROWSE_URL=http://localhost:3000 COBROWSE_API_KEY=cbk_… node --import tsx docs/examples/api-client.ts
 *   … add --follow to keep printing session lifecycle events as they happen (Ctrl+C to stop).
 */
import { Client, fetchExchange, gql } from '@urql/core';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const baseUrl = process.env.COBROWSE_URL ?? 'http://localhost:3000';
const apiKey = process.env.COBROWSE_API_KEY;
if (!apiKey) {
  console.error('Set COBROWSE_API_KEY to a key from /admin/api-keys.');
  process.exit(2);
}

const http = new Client({
  url: `${baseUrl}/api/graphql`,
  exchanges: [fetchExchange],
  // Queries go as GET (GraphQL over HTTP); the Authorization header identifies the key.
  preferGetMethod: true,
  fetchOptions: { headers: { authorization: `Bearer ${apiKey}` } },
});

const ENDED_SESSIONS = gql`
  query EndedSessions($after: String) {
    sessionHistory(filter: { status: [ENDED] }, first: 50, after: $after) {
      totalCount
      nodes {
        id
        code
        createdAt
        endedAt
        endedBy
        agent {
          name
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

const AUDIT = gql`
  query Audit($sessionId: ID!, $after: String) {
    auditEvents(sessionId: $sessionId, first: 100, after: $after) {
      nodes {
        sequence
        at
        actorKind
        type
        data
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
    verifyAudit(sessionId: $sessionId) {
      intact
    }
  }
`;

type Page<T> = { nodes: T[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
type SessionRow = { id: string; code: string; createdAt: string; endedBy: string | null; agent: { name: string } | null };
type AuditRow = { sequence: number; at: string; actorKind: string; type: string };

/** Follows `after` cursors until the last page. */
async function* pages<T>(fetchPage: (after: string | null) => Promise<Page<T>>): AsyncGenerator<T> {
  let after: string | null = null;
  do {
    const page = await fetchPage(after);
    yield* page.nodes;
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after);
}

async function run<T>(query: typeof ENDED_SESSIONS, variables: Record<string, unknown>): Promise<T> {
  const result = await http.query<T>(query, variables).toPromise();
  if (result.error) throw new Error(result.error.message);
  return result.data as T;
}

let count = 0;
for await (const session of pages((after) =>
  run<{ sessionHistory: Page<SessionRow> }>(ENDED_SESSIONS, { after }).then((data) => data.sessionHistory),
)) {
  count++;
  console.log(`session ${session.code}  started ${session.createdAt}  agent ${session.agent?.name ?? '—'}  ended by ${session.endedBy}`);
  if (count === 1) {
    for await (const event of pages((after) =>
      run<{ auditEvents: Page<AuditRow> }>(AUDIT, { sessionId: session.id, after }).then((data) => data.auditEvents),
    )) {
      console.log(`  #${event.sequence} ${event.at} ${event.actorKind.padEnd(10)} ${event.type}`);
    }
  }
}
console.log(`${count} ended session(s)`);

if (process.argv.includes('--follow')) {
  const live = createClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/api/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${apiKey}` },
  });
  console.log('following session lifecycle events…');
  live.subscribe<{ sessionLifecycle: { event: string; session: { code: string; status: string } } }>(
    { query: 'subscription { sessionLifecycle }' },
    {
      next: ({ data }) =>
        data && console.log(`${new Date().toISOString()} ${data.sessionLifecycle.event} ${data.sessionLifecycle.session.code}`),
      error: (error) => console.error('subscription failed:', error),
      complete: () => {},
    },
  );
}
