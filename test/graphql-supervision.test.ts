import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { StreamMessage } from '../protocol/index.ts';
import { requestWriteMode } from '../server/sessions/write-mode.ts';
import {
  errorCode,
  gql,
  signIn,
  startCustomerSession,
  wsClient,
  wsCollect,
  wsExecute,
  type GraphQLResponse,
  type StartedSession,
} from './support/graphql-client.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { waitFor } from './support/wait-for.ts';

const HISTORY = `query($filter: SessionFilter, $first: Int, $after: String) {
  sessionHistory(filter: $filter, first: $first, after: $after) {
    edges { cursor node { id status endedBy endReason createdAt agent { email } } }
    nodes { id }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}`;
const AUDIT = `query($id: ID!, $first: Int, $after: String) {
  auditEvents(sessionId: $id, first: $first, after: $after) {
    edges { cursor node { sequence type } }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}`;
const STATS = `query($from: DateTime, $to: DateTime, $tz: String, $agentId: ID) {
  sessionStats(from: $from, to: $to, timeZone: $tz, agentId: $agentId) {
    from to totalSessions sessionsPerDay { day sessions } endedSessions averageDurationSeconds
    writeModeRequested writeModeApproved writeModeDeclined writeModeExpired writeModeApprovalRate
  }
}`;
const JOIN = 'mutation($c: String!){ joinSession(code: $c){ id } }';
const EXIT = 'mutation($id: ID!){ exitSession(sessionId: $id){ id } }';

interface HistoryNode {
  id: string;
  status: string;
  endedBy: string | null;
  endReason: string | null;
  createdAt: string;
  agent: { email: string } | null;
}
interface HistoryPage {
  sessionHistory: {
    edges: { cursor: string; node: HistoryNode }[];
    nodes: { id: string }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    totalCount: number;
  };
}

const errorMessage = (response: GraphQLResponse<unknown>) => response.errors?.[0]?.message ?? '';

describe('session history, audit pages and stats for supervisors', () => {
  let server: TestServer;
  let url: string;
  let supervisor: string;
  let admin: string;
  let agent: string;
  let agent2: string;
  let agentId: string;
  let agent2Id: string;

  before(async () => {
    server = await startTestServer();
    url = server.url;
    [supervisor, admin, agent, agent2] = (await Promise.all(
      ['supervisor@example.com', 'admin@example.com', 'agent@example.com', 'agent2@example.com'].map((email) => signIn(url, email)),
    )) as [string, string, string, string];
    const users = await server.deps.db.user.findMany();
    agentId = users.find((user) => user.email === 'agent@example.com')!.id;
    agent2Id = users.find((user) => user.email === 'agent2@example.com')!.id;
  });
  after(() => server.close());

  /** Moves a session's start (and end) in time, as if it had happened then. */
  const backdate = (id: string, createdAt: Date, endedAt?: Date) =>
    server.deps.db.session.update({ where: { id }, data: { createdAt, ...(endedAt && { endedAt }) } });

  async function joinAndExit(session: StartedSession, cookie: string) {
    assert.ok((await gql(url, JOIN, { c: session.code }, { cookie })).data);
    assert.ok((await gql(url, EXIT, { id: session.id }, { cookie })).data);
  }

  const history = (variables: Record<string, unknown>, cookie = supervisor) => gql<HistoryPage>(url, HISTORY, variables, { cookie });

  /** Every session matching a filter, read page by page. */
  async function readAll(filter: Record<string, unknown>, first: number) {
    const ids: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 50; pages++) {
      const page = await history({ filter, first, after: cursor });
      assert.ok(page.data, JSON.stringify(page.errors));
      const connection = page.data.sessionHistory;
      ids.push(...connection.edges.map((edge) => edge.node.id));
      assert.deepEqual(
        connection.nodes.map((node) => node.id),
        connection.edges.map((edge) => edge.node.id),
      );
      if (!connection.pageInfo.hasNextPage) return { ids, totalCount: connection.totalCount };
      cursor = connection.pageInfo.endCursor;
    }
    throw new Error('too many pages');
  }

  describe('sessionHistory', () => {
    // 30 sessions in March 2020, three to a minute (equal start times test the tie-break).
    const BASE = Date.parse('2020-03-10T09:00:00Z');
    const range = { from: '2020-03-01T00:00:00Z', to: '2020-03-31T23:59:59Z' };
    const sessions: { id: string; createdAt: Date }[] = [];

    before(async () => {
      for (let i = 0; i < 30; i++) {
        const session = await startCustomerSession(url);
        if (i % 5 === 0) await joinAndExit(session, agent);
        else if (i % 5 === 1) await gql(url, EXIT, { id: session.id }, { customerToken: session.customerToken });
        else if (i % 5 === 2) await joinAndExit(session, agent2);
        const createdAt = new Date(BASE + Math.floor(i / 3) * 60_000);
        await backdate(session.id, createdAt);
        sessions.push({ id: session.id, createdAt });
      }
    });

    const newestFirst = () =>
      [...sessions]
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
        .map((session) => session.id);

    it('pages through every session newest first, none repeated or missing, ties broken by id', async () => {
      for (const first of [1, 7, 10, 30, 200]) {
        const { ids, totalCount } = await readAll(range, first);
        assert.equal(totalCount, 30);
        assert.deepEqual(ids, newestFirst(), `pages of ${first}`);
      }
    });

    it('keeps its place when new sessions start between pages', async () => {
      const firstPage = await history({ filter: range, first: 10 });
      const newer = await startCustomerSession(url);
      await backdate(newer.id, new Date(BASE + 60 * 60_000)); // newest of the range
      const ids = firstPage.data!.sessionHistory.edges.map((edge) => edge.node.id);
      let cursor = firstPage.data!.sessionHistory.pageInfo.endCursor;
      while (cursor) {
        const page = await history({ filter: range, first: 10, after: cursor });
        ids.push(...page.data!.sessionHistory.edges.map((edge) => edge.node.id));
        cursor = page.data!.sessionHistory.pageInfo.hasNextPage ? page.data!.sessionHistory.pageInfo.endCursor : null;
      }
      assert.deepEqual(ids, newestFirst());
      await server.deps.db.session.delete({ where: { id: newer.id } });
    });

    it('filters by status, agent, who ended it, end reason and dates', async () => {
      const count = async (filter: Record<string, unknown>) => (await readAll({ ...range, ...filter }, 200)).ids.length;
      assert.equal(await count({ status: ['ENDED'] }), 18);
      assert.equal(await count({ status: ['WAITING'] }), 12);
      assert.equal(await count({ status: ['WAITING', 'ENDED'] }), 30);
      assert.equal(await count({ agentId }), 6);
      assert.equal(await count({ agentId: agent2Id, status: ['ENDED'] }), 6);
      assert.equal(await count({ endedBy: 'CUSTOMER' }), 6);
      assert.equal(await count({ endReason: 'agent exited' }), 12);
      // Minutes 2 to 4 inclusive: sessions 6..14.
      const narrow = { from: new Date(BASE + 2 * 60_000).toISOString(), to: new Date(BASE + 4 * 60_000).toISOString() };
      const { ids, totalCount } = await readAll(narrow, 4);
      assert.equal(totalCount, 9);
      assert.deepEqual(new Set(ids), new Set(sessions.slice(6, 15).map((session) => session.id)));

      const agentOnly = await history({ filter: { ...range, agentId }, first: 50 });
      for (const edge of agentOnly.data!.sessionHistory.edges) {
        assert.equal(edge.node.agent?.email, 'agent@example.com');
        assert.equal(edge.node.endedBy, 'AGENT');
      }
    });

    it('refuses bad input with BAD_USER_INPUT and a message that says what is wrong', async () => {
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ first: 0 }, /first must be between 1 and 200/],
        [{ first: 201 }, /first must be between 1 and 200/],
        [{ after: 'not a cursor!' }, /after is not a cursor/],
        [{ after: Buffer.from('audit:3').toString('base64url') }, /after is not a cursor/],
        [{ after: Buffer.from('session:abc:x').toString('base64url') }, /after is not a cursor/],
        [{ filter: { from: '2020-03-02T00:00:00Z', to: '2020-03-01T00:00:00Z' } }, /from must not be after to/],
        [{ filter: { from: 'yesterday' } }, /filter\.from must be an ISO-8601 date-time/],
        [{ filter: { status: ['DONE'] } }, /DONE/],
      ];
      for (const [variables, message] of cases) {
        const response = await history(variables);
        assert.equal(errorCode(response), 'BAD_USER_INPUT', JSON.stringify(variables));
        assert.match(errorMessage(response), message);
      }
    });
  });

  describe('auditEvents', () => {
    it('pages a session’s events oldest first by sequence', async () => {
      const session = await startCustomerSession(url);
      await joinAndExit(session, agent);
      const first = await gql<{
        auditEvents: {
          edges: { cursor: string; node: { sequence: number; type: string } }[];
          pageInfo: { hasNextPage: boolean; endCursor: string };
          totalCount: number;
        };
      }>(url, AUDIT, { id: session.id, first: 3 }, { cookie: supervisor });
      const page1 = first.data!.auditEvents;
      assert.deepEqual(
        page1.edges.map((edge) => edge.node.type),
        ['SESSION_STARTED', 'AGENT_JOINED', 'AGENT_LEFT'],
      );
      assert.equal(page1.totalCount, 4);
      assert.equal(page1.pageInfo.hasNextPage, true);
      const second = await gql<typeof first.data>(
        url,
        AUDIT,
        { id: session.id, first: 3, after: page1.pageInfo.endCursor },
        { cookie: admin },
      );
      assert.deepEqual(
        second.data!.auditEvents.edges.map((edge) => [edge.node.sequence, edge.node.type]),
        [[4, 'SESSION_ENDED']],
      );
      assert.equal(second.data!.auditEvents.pageInfo.hasNextPage, false);

      assert.equal(errorCode(await gql(url, AUDIT, { id: session.id, after: 'xyz' }, { cookie: supervisor })), 'BAD_USER_INPUT');
      const sessionCursor = Buffer.from(`session:1:${session.id}`).toString('base64url');
      assert.equal(errorCode(await gql(url, AUDIT, { id: session.id, after: sessionCursor }, { cookie: supervisor })), 'BAD_USER_INPUT');
      assert.equal(errorCode(await gql(url, AUDIT, { id: session.id, first: 500 }, { cookie: supervisor })), 'BAD_USER_INPUT');
      assert.equal(errorCode(await gql(url, AUDIT, { id: 'no-such-session' }, { cookie: supervisor })), 'NOT_FOUND');
    });
  });

  describe('who may read the history', () => {
    const QUERIES: [string, string, (id: string) => Record<string, unknown>][] = [
      ['sessionHistory', '{ sessionHistory { totalCount } }', () => ({})],
      ['auditEvents', 'query($id: ID!){ auditEvents(sessionId: $id){ totalCount } }', (id) => ({ id })],
      ['sessionStats', '{ sessionStats { totalSessions } }', () => ({})],
      ['agents', '{ agents { id } }', () => ({})],
    ];

    it('over HTTP: supervisors and admins only', async () => {
      const session = await startCustomerSession(url);
      for (const [name, query, variables] of QUERIES) {
        assert.equal(errorCode(await gql(url, query, variables(session.id), { cookie: agent })), 'FORBIDDEN', `${name} as agent`);
        assert.equal(errorCode(await gql(url, query, variables(session.id))), 'UNAUTHENTICATED', `${name} signed out`);
        assert.equal(
          errorCode(await gql(url, query, variables(session.id), { customerToken: session.customerToken })),
          'UNAUTHENTICATED',
          `${name} as the customer`,
        );
        for (const cookie of [supervisor, admin]) {
          const response = await gql(url, query, variables(session.id), { cookie });
          assert.equal(response.errors, undefined, `${name}: ${JSON.stringify(response.errors)}`);
        }
      }
    });

    it('over WebSocket: the same rules, and no lifecycle stream for agents', async () => {
      const session = await startCustomerSession(url);
      const agentClient = wsClient(url, { cookie: agent });
      const supervisorClient = wsClient(url, { cookie: supervisor });
      try {
        for (const [name, query, variables] of QUERIES) {
          const refused = await wsExecute(agentClient, query, variables(session.id));
          assert.equal(refused.errors?.[0]?.extensions?.code, 'FORBIDDEN', `${name} as agent over WebSocket`);
          const allowed = await wsExecute(supervisorClient, query, variables(session.id));
          assert.equal(allowed.errors, undefined, `${name}: ${JSON.stringify(allowed.errors)}`);
        }
        const lifecycle = wsCollect<StreamMessage>(agentClient, 'subscription { sessionLifecycle }', {});
        await waitFor(() => lifecycle.failure, 'the refusal');
        assert.equal((lifecycle.failure as { extensions: { code: string } }[])[0]!.extensions.code, 'FORBIDDEN');
      } finally {
        await Promise.all([agentClient.dispose(), supervisorClient.dispose()]);
      }
    });

    it('an agent reads their own session through session(id), not another agent’s', async () => {
      const theirs = await startCustomerSession(url);
      await joinAndExit(theirs, agent2);
      const mine = await startCustomerSession(url);
      await joinAndExit(mine, agent);
      const SESSION = 'query($id: ID!){ session(id: $id){ id auditEvents { type } } }';
      assert.equal(errorCode(await gql(url, SESSION, { id: theirs.id }, { cookie: agent })), 'FORBIDDEN');
      const own = await gql<{ session: { id: string; auditEvents: unknown[] } }>(url, SESSION, { id: mine.id }, { cookie: agent });
      assert.equal(own.data?.session.auditEvents.length, 4);
      const agentWs = wsClient(url, { cookie: agent });
      try {
        const refused = await wsExecute(agentWs, SESSION, { id: theirs.id });
        assert.equal(refused.errors?.[0]?.extensions?.code, 'FORBIDDEN');
      } finally {
        await agentWs.dispose();
      }
    });
  });

  describe('sessionStats', () => {
    // June 2021: day 1 has two sessions, day 2 none, day 3 three (one at 02:00 UTC, still June 2 in New York).
    const day = (d: number, hour: number) => new Date(Date.UTC(2021, 5, d, hour));
    const range = { from: '2021-06-01T00:00:00Z', to: '2021-06-03T23:59:59.999Z' };

    async function activeSession(cookie: string) {
      const session = await startCustomerSession(url);
      assert.ok((await gql(url, JOIN, { c: session.code }, { cookie })).data);
      return session;
    }

    async function askWriteMode(session: StartedSession, cookie: string, answer: boolean | null) {
      const asked = await gql<{ requestWriteMode: { writeRequestId: string } }>(
        url,
        'mutation($id: ID!){ requestWriteMode(sessionId: $id){ writeRequestId } }',
        { id: session.id },
        { cookie },
      );
      const requestId = asked.data!.requestWriteMode.writeRequestId;
      if (answer === null) return requestId;
      const answered = await gql(
        url,
        'mutation($id: ID!, $r: ID!, $a: Boolean!){ answerWriteMode(sessionId: $id, requestId: $r, approve: $a){ mode } }',
        { id: session.id, r: requestId, a: answer },
        { customerToken: session.customerToken },
      );
      assert.equal(answered.errors, undefined);
      return requestId;
    }

    before(async () => {
      // Day 1: approved then (back in Pointer Mode) declined; ended after 60 s.
      const a = await activeSession(agent);
      await askWriteMode(a, agent, true);
      await gql(url, 'mutation($id: ID!){ setPointerMode(sessionId: $id){ mode } }', { id: a.id }, { cookie: agent });
      await askWriteMode(a, agent, false);
      await gql(url, EXIT, { id: a.id }, { cookie: agent });
      await backdate(a.id, day(1, 10), new Date(day(1, 10).getTime() + 60_000));
      // Day 1: never joined, the customer left after 120 s.
      const b = await startCustomerSession(url);
      await gql(url, EXIT, { id: b.id }, { customerToken: b.customerToken });
      await backdate(b.id, day(1, 15), new Date(day(1, 15).getTime() + 120_000));
      // Day 3: a request that expires unanswered (through the server's own expiry, with a short TTL).
      const c = await activeSession(agent2);
      const agent2Row = await server.deps.db.user.findUniqueOrThrow({ where: { id: agent2Id } });
      await requestWriteMode(server.deps, agent2Row, c.id, 20);
      await waitFor(
        async () => (await server.deps.db.auditEvent.count({ where: { sessionId: c.id, type: 'WRITE_EXPIRED' } })) === 1,
        'the request to expire',
      );
      await askWriteMode(c, agent2, true);
      await gql(url, EXIT, { id: c.id }, { cookie: agent2 });
      await backdate(c.id, day(3, 2), new Date(day(3, 2).getTime() + 300_000));
      // Day 3: two customers still waiting for an agent.
      for (const hour of [12, 20]) await backdate((await startCustomerSession(url)).id, day(3, hour));
    });

    it('counts sessions per day, the average duration and the Write Mode approval rate', async () => {
      const stats = await gql<{ sessionStats: Record<string, unknown> }>(url, STATS, range, { cookie: supervisor });
      assert.deepEqual(stats.data?.sessionStats, {
        from: '2021-06-01T00:00:00.000Z',
        to: '2021-06-03T23:59:59.999Z',
        totalSessions: 5,
        sessionsPerDay: [
          { day: '2021-06-01', sessions: 2 },
          { day: '2021-06-02', sessions: 0 },
          { day: '2021-06-03', sessions: 3 },
        ],
        endedSessions: 3,
        averageDurationSeconds: 160,
        writeModeRequested: 4,
        writeModeApproved: 2,
        writeModeDeclined: 1,
        writeModeExpired: 1,
        writeModeApprovalRate: 0.5,
      });
    });

    it('counts days in the time zone asked for, and per agent', async () => {
      const newYork = await gql<{ sessionStats: { sessionsPerDay: { day: string; sessions: number }[] } }>(
        url,
        STATS,
        { from: '2021-06-01T04:00:00Z', to: '2021-06-04T03:59:59Z', tz: 'America/New_York' },
        { cookie: admin },
      );
      assert.deepEqual(newYork.data?.sessionStats.sessionsPerDay, [
        { day: '2021-06-01', sessions: 2 },
        { day: '2021-06-02', sessions: 1 },
        { day: '2021-06-03', sessions: 2 },
      ]);
      const ofAgent2 = await gql<{ sessionStats: Record<string, unknown> }>(
        url,
        STATS,
        { ...range, agentId: agent2Id },
        { cookie: supervisor },
      );
      assert.equal(ofAgent2.data?.sessionStats.totalSessions, 1);
      assert.equal(ofAgent2.data?.sessionStats.writeModeApprovalRate, 0.5);
      assert.equal(ofAgent2.data?.sessionStats.averageDurationSeconds, 300);
    });

    it('refuses a reversed or too long range and an unknown time zone', async () => {
      const refused = async (variables: Record<string, unknown>, message: RegExp) => {
        const response = await gql(url, STATS, variables, { cookie: supervisor });
        assert.equal(errorCode(response), 'BAD_USER_INPUT');
        assert.match(errorMessage(response), message);
      };
      await refused({ from: '2021-06-03T00:00:00Z', to: '2021-06-01T00:00:00Z' }, /from must not be after to/);
      await refused({ from: '2020-01-01T00:00:00Z', to: '2021-06-01T00:00:00Z' }, /at most 366 days/);
      await refused({ ...range, tz: 'Mars/Olympus' }, /timeZone "Mars\/Olympus"/);
      await refused({ from: 'soon' }, /from must be an ISO-8601/);
    });
  });
});
