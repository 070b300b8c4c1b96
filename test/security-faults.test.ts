import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { recordAuditEvent } from '../server/audit/record-audit-event.ts';
import { verifyAuditChain } from '../server/audit/verify-audit-chain.ts';
import type { UserRow } from '../server/core/db/index.ts';
import { endSession } from '../server/sessions/end-session.ts';
import { joinSession } from '../server/sessions/join-session.ts';
import { answerWriteMode, requestWriteMode, setPointerMode } from '../server/sessions/write-mode.ts';
import { errorCode, gql, signIn, startCustomerSession } from './support/graphql-client.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { waitFor } from './support/wait-for.ts';

const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const VERIFY = 'query($id: ID!){ verifyAudit(sessionId: $id){ intact events brokenAt } }';
const SEND_EVENTS = 'mutation($id: ID!, $batch: JSON!){ sendEvents(sessionId: $id, batch: $batch) }';

/** A batch that shows a page, as the widget's first snapshot does (rrweb Meta event). */
export const pageBatch = (seq: number, href: string) => ({
  seq,
  sentAt: Date.now(),
  events: [{ type: 4, data: { href, width: 1280, height: 800 }, timestamp: Date.now() }],
});

const auditTypes = async (server: TestServer, sessionId: string) =>
  (await server.deps.db.auditEvent.findMany({ where: { sessionId }, orderBy: { sequence: 'asc' } })).map((row) => row.type);

/**
 * The number of a session's audit rows once the audit queue has written what it holds: a refused
 * join is queued before the refusal returns, so after the racers have settled there is no more.
 */
async function settledAuditRows(server: TestServer, sessionId: string): Promise<number> {
  await server.deps.audit.drain();
  return server.deps.db.auditEvent.count({ where: { sessionId } });
}

/** Settles every promise; the refusals a race may legitimately produce are returned by code. */
async function settle(tasks: Promise<unknown>[]): Promise<string[]> {
  const results = await Promise.allSettled(tasks);
  return results.map((result) =>
    result.status === 'fulfilled' ? 'ok' : String((result.reason as { code?: string }).code ?? result.reason),
  );
}

/** Joins, ends and mode changes racing on sessions; run on SQLite and on PostgreSQL (real concurrent transactions). */
function raceSuite(name: string, databaseUrl: () => string | undefined, cleanup: () => Promise<void>) {
  describe(`audit chain under concurrency (${name})`, () => {
    let server: TestServer;
    let agents: UserRow[];

    before(async () => {
      const url = databaseUrl();
      server = await startTestServer(url ? { config: { databaseUrl: url } } : {});
      agents = await server.deps.db.user.findMany({ where: { email: { in: ['agent@example.com', 'agent2@example.com'] } } });
      assert.equal(agents.length, 2);
    });
    after(async () => {
      await server?.close();
      await cleanup();
    });

    it('joins racing an end leave a valid chain and no agent busy', async () => {
      const allowed = new Set(['ok', 'SESSION_TAKEN', 'AGENT_BUSY', 'SESSION_ENDED', 'SESSION_UNAVAILABLE']);
      for (let round = 0; round < 12; round++) {
        // Fresh agents and addresses each round, so the join-failure lockout stays out of this race.
        const racers = await Promise.all(
          [0, 1].map((n) =>
            server.deps.db.user.create({
              data: { email: `racer-${name}-${round}-${n}@example.com`, name: `Racer ${n}`, role: 'AGENT', passwordHash: 'x' },
            }),
          ),
        );
        const session = await startCustomerSession(server.url);
        const outcomes = await settle([
          joinSession(server.deps, racers[0]!, session.code, `10.0.${round}.1`),
          joinSession(server.deps, racers[1]!, session.code, `10.0.${round}.2`),
          endSession(server.deps, session.id, { kind: 'CUSTOMER', id: null }, 'customer exited'),
          endSession(server.deps, session.id, { kind: 'SYSTEM', id: null }, 'expired'),
        ]);
        for (const outcome of outcomes) assert.ok(allowed.has(outcome), `round ${round}: ${outcomes.join()}`);
        const busy = await server.deps.db.user.findMany({
          where: { id: { in: racers.map((racer) => racer.id) }, activeSessionId: { not: null } },
        });
        assert.deepEqual(busy, [], `round ${round}: an agent was left busy (${outcomes.join()})`);
        const rows = await settledAuditRows(server, session.id);
        assert.deepEqual(await verifyAuditChain(server.deps.db, session.id), { intact: true, events: rows, brokenAt: null });
      }
    });

    it('many mode changes, watcher events and an end at once leave a valid chain', async () => {
      const session = await startCustomerSession(server.url);
      await joinSession(server.deps, agents[0]!, session.code, '127.0.0.1');
      const actor = { kind: 'AGENT' as const, id: agents[0]!.id };
      const first = await requestWriteMode(server.deps, agents[0]!, session.id);
      const tasks: Promise<unknown>[] = [answerWriteMode(server.deps, session.id, first.writeRequestId!, true)];
      for (let i = 0; i < 10; i++) {
        tasks.push(setPointerMode(server.deps, session.id, i % 2 ? actor : { kind: 'CUSTOMER', id: null }));
        tasks.push(requestWriteMode(server.deps, agents[0]!, session.id));
        tasks.push(
          recordAuditEvent(server.deps.db, session.id, actor, { type: 'AGENT_ACTION', data: { kind: 'click', target: `#b${i}` } }),
        );
        server.deps.audit.enqueue(
          session.id,
          { kind: 'CUSTOMER', id: null },
          { type: 'PAGE_VISITED', data: { url: `/p${i}`, hidden: false } },
        );
      }
      const outcomes = await settle(tasks);
      for (const outcome of outcomes)
        assert.ok(['ok', 'BAD_USER_INPUT', 'SESSION_ENDED', 'WRITE_REQUEST_CLOSED'].includes(outcome), outcomes.join());
      await endSession(server.deps, session.id, actor, 'agent exited');
      await server.deps.audit.drain();
      const types = await auditTypes(server, session.id);
      assert.equal(types.filter((type) => type === 'AGENT_ACTION').length, 10);
      assert.equal(types.filter((type) => type === 'PAGE_VISITED').length, 10);
      assert.deepEqual(await verifyAuditChain(server.deps.db, session.id), { intact: true, events: types.length, brokenAt: null });
      assert.equal((await server.deps.db.user.findUniqueOrThrow({ where: { id: agents[0]!.id } })).activeSessionId, null);
    });

    it('counts sessionStats in the database, across a daylight-saving change', async () => {
      // New York moved to daylight time at 2020-03-08 07:00 UTC (02:00 EST → 03:00 EDT).
      const times: [string, string | null][] = [
        ['2020-03-08T04:59:00Z', '2020-03-08T05:00:30Z'], // 23:59 EST on the 7th; 90 s
        ['2020-03-08T05:00:00Z', null], // 00:00 EST on the 8th
        ['2020-03-08T06:59:59.999Z', '2020-03-08T07:00:29.999Z'], // 01:59:59 EST; 30 s
        ['2020-03-09T03:59:59Z', null], // 23:59:59 EDT on the 8th
        ['2020-03-09T04:00:00Z', '2020-03-09T04:01:00Z'], // 00:00 EDT on the 9th; 60 s
      ];
      for (const [createdAt, endedAt] of times) {
        const session = await startCustomerSession(server.url);
        await server.deps.db.session.update({
          where: { id: session.id },
          data: { createdAt: new Date(createdAt), endedAt: endedAt ? new Date(endedAt) : null, status: endedAt ? 'ENDED' : 'WAITING' },
        });
      }
      const supervisor = await signIn(server.url, 'supervisor@example.com');
      const stats = await gql<{ sessionStats: Record<string, unknown> }>(
        server.url,
        `query($tz: String){ sessionStats(from: "2020-03-07T05:00:00Z", to: "2020-03-10T03:59:59Z", timeZone: $tz) {
          totalSessions endedSessions averageDurationSeconds sessionsPerDay { day sessions } } }`,
        { tz: 'America/New_York' },
        { cookie: supervisor },
      );
      assert.deepEqual(
        stats.data?.sessionStats,
        {
          totalSessions: 5,
          endedSessions: 3,
          averageDurationSeconds: 60,
          sessionsPerDay: [
            { day: '2020-03-07', sessions: 1 },
            { day: '2020-03-08', sessions: 3 },
            { day: '2020-03-09', sessions: 1 },
          ],
        },
        JSON.stringify(stats.errors),
      );
    });
  });
}

raceSuite(
  'SQLite',
  () => undefined,
  async () => {},
);

const raceSchema = `cobrowse_races_${process.pid}_${Date.now()}`;
raceSuite(
  'PostgreSQL',
  () => `${POSTGRES_URL}?schema=${raceSchema}`,
  async () => {
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS "${raceSchema}" CASCADE`);
    await admin.end();
  },
);

describe('audit trail integrity and cap', () => {
  let server: TestServer;
  let supervisor: string;
  let agent: string;

  before(async () => {
    server = await startTestServer({ config: { maxAuditEventsPerSession: 10, auditQueueMaxEvents: 5 } });
    supervisor = await signIn(server.url, 'supervisor@example.com');
    agent = await signIn(server.url, 'agent@example.com');
  });
  after(() => server.close());

  async function joinedSession() {
    const session = await startCustomerSession(server.url);
    const joined = await gql(server.url, 'mutation($c: String!){ joinSession(code: $c){ id } }', { c: session.code }, { cookie: agent });
    assert.ok(joined.data, JSON.stringify(joined.errors));
    return session;
  }
  const exit = (id: string) => gql(server.url, 'mutation($id: ID!){ exitSession(sessionId: $id){ id } }', { id }, { cookie: agent });
  const verify = async (id: string) =>
    (await gql<{ verifyAudit: unknown }>(server.url, VERIFY, { id }, { cookie: supervisor })).data?.verifyAudit;

  it('detects the newest rows removed, all rows removed, and a middle row removed', async () => {
    const newest = await joinedSession();
    await exit(newest.id);
    assert.deepEqual(await verify(newest.id), { intact: true, events: 4, brokenAt: null });
    await server.deps.db.$executeRawUnsafe(`DELETE FROM "AuditEvent" WHERE "sessionId" = ? AND "sequence" >= 3`, newest.id);
    assert.deepEqual(await verify(newest.id), { intact: false, events: 2, brokenAt: 3 });

    const all = await joinedSession();
    await exit(all.id);
    await server.deps.db.$executeRawUnsafe(`DELETE FROM "AuditEvent" WHERE "sessionId" = ?`, all.id);
    assert.deepEqual(await verify(all.id), { intact: false, events: 0, brokenAt: 1 });

    const middle = await joinedSession();
    await exit(middle.id);
    await server.deps.db.$executeRawUnsafe(`DELETE FROM "AuditEvent" WHERE "sessionId" = ? AND "sequence" = 2`, middle.id);
    assert.deepEqual(await verify(middle.id), { intact: false, events: 3, brokenAt: 2 });
  });

  it('caps a session’s audit rows: page visits dropped after one AUDIT_CAPPED, agent actions refused, lifecycle kept', async () => {
    const session = await joinedSession(); // SESSION_STARTED, AGENT_JOINED
    for (let page = 0; page < 14; page++) {
      const sent = await gql(
        server.url,
        SEND_EVENTS,
        { id: session.id, batch: pageBatch(page + 1, `${server.url}/demo/p${page}`) },
        {
          customerToken: session.customerToken,
        },
      );
      assert.deepEqual(sent.data, { sendEvents: true }, JSON.stringify(sent.errors));
      await server.deps.audit.drain(); // one at a time, so the cap is hit at a known page
    }
    let types = await auditTypes(server, session.id);
    assert.deepEqual(types, ['SESSION_STARTED', 'AGENT_JOINED', ...Array(8).fill('PAGE_VISITED'), 'AUDIT_CAPPED']);

    await assert.rejects(
      recordAuditEvent(
        server.deps.db,
        session.id,
        { kind: 'AGENT', id: null },
        { type: 'AGENT_ACTION', data: { kind: 'click', target: '#x' } },
        {
          maxEvents: server.deps.config.maxAuditEventsPerSession,
        },
      ),
      (error: { code?: string }) => error.code === 'LIMIT_REACHED',
    );
    // Over the API the action is refused too, and never reaches the customer. Write Mode first
    // (lifecycle rows are always written, past the cap too), so only the cap stands in the way.
    const agentRow = await server.deps.db.user.findUniqueOrThrow({ where: { email: 'agent@example.com' } });
    const requested = await requestWriteMode(server.deps, agentRow, session.id);
    await answerWriteMode(server.deps, session.id, requested.writeRequestId!, true);
    const action = await gql(
      server.url,
      'mutation($id: ID!, $s: JSON!){ sendSignal(sessionId: $id, signal: $s) }',
      { id: session.id, s: { type: 'action', id: 1, action: { kind: 'navigate', to: 'reload' } } },
      { cookie: agent },
    );
    assert.equal(action.errors?.[0]?.extensions?.code, 'LIMIT_REACHED', 'an agent action past the cap is refused, and says why');

    assert.ok((await exit(session.id)).data);
    types = await auditTypes(server, session.id);
    assert.deepEqual(types.slice(-5), ['AUDIT_CAPPED', 'WRITE_REQUESTED', 'WRITE_APPROVED', 'AGENT_LEFT', 'SESSION_ENDED']);
    assert.deepEqual(await verify(session.id), { intact: true, events: 15, brokenAt: null });
  });

  it('queues page visits while audit rows cannot be written, and writes them all in order once they can', async () => {
    const session = await joinedSession();
    // A real failure of the database for this table, as when it is briefly unreachable.
    await server.deps.db.$executeRawUnsafe(
      `CREATE TRIGGER audit_down BEFORE INSERT ON "AuditEvent" BEGIN SELECT RAISE(ABORT, 'audit store down'); END`,
    );
    try {
      for (let page = 0; page < 3; page++) {
        const sent = await gql(
          server.url,
          SEND_EVENTS,
          { id: session.id, batch: pageBatch(page + 1, `${server.url}/shop/${page}`) },
          {
            customerToken: session.customerToken,
          },
        );
        assert.deepEqual(sent.data, { sendEvents: true }, 'the customer is never held up by the audit trail');
      }
      // Kept as a wait: the retrying with backoff (100 ms, then doubling) is what is tested, and
      // its failed attempts leave nothing to wait for.
      await new Promise((resolve) => setTimeout(resolve, 700));
      assert.equal(server.deps.audit.size, 3);
      assert.deepEqual(await auditTypes(server, session.id), ['SESSION_STARTED', 'AGENT_JOINED']);

      // The queue is bounded (AUDIT_QUEUE_MAX_EVENTS = 5 here): past it events are refused and counted.
      const droppedBefore = server.deps.audit.dropped;
      for (let extra = 0; extra < 4; extra++) {
        server.deps.audit.enqueue(
          session.id,
          { kind: 'CUSTOMER', id: null },
          { type: 'PAGE_VISITED', data: { url: `/extra/${extra}`, hidden: false } },
        );
      }
      assert.equal(server.deps.audit.size, 5);
      assert.equal(server.deps.audit.dropped - droppedBefore, 2);
    } finally {
      await server.deps.db.$executeRawUnsafe('DROP TRIGGER IF EXISTS audit_down');
    }
    await waitFor(() => server.deps.audit.size === 0, 'the queue to drain');
    const rows = await server.deps.db.auditEvent.findMany({ where: { sessionId: session.id }, orderBy: { sequence: 'asc' } });
    assert.deepEqual(
      rows.map((row) => (row.type === 'PAGE_VISITED' ? (JSON.parse(row.data) as { url: string }).url.replace(server.url, '') : row.type)),
      ['SESSION_STARTED', 'AGENT_JOINED', '/shop/0', '/shop/1', '/shop/2', '/extra/0', '/extra/1'],
    );
    assert.deepEqual(await verify(session.id), { intact: true, events: 7, brokenAt: null });
    await exit(session.id);
  });

  it('pages through a recording, a few chunks at a time', async () => {
    const admin = await signIn(server.url, 'admin@example.com');
    const on = await gql(
      server.url,
      'mutation{ updateSiteSettings(input: { recordingEnabled: true }){ recordingEnabled } }',
      {},
      { cookie: admin },
    );
    assert.ok(on.data, JSON.stringify(on.errors));
    const session = await startCustomerSession(server.url);
    // Stored chunks as the recording writer leaves them: 25 of them, 2 events each.
    for (let sequence = 1; sequence <= 25; sequence++) {
      const events = [0, 1].map((i) => ({ type: 3, data: { source: 1 }, timestamp: sequence * 10 + i }));
      await server.deps.db.recordingChunk.create({ data: { sessionId: session.id, sequence, data: gzipSync(JSON.stringify(events)) } });
    }
    const RECORDING = `query($id: ID!, $first: Int, $after: String){ session(id: $id){
      recording(first: $first, after: $after){ available events pageInfo { hasNextPage endCursor } } } }`;
    type Page = { available: boolean; events: { timestamp: number }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
    const read = (variables: Record<string, unknown>) =>
      gql<{ session: { recording: Page } }>(server.url, RECORDING, { id: session.id, ...variables }, { cookie: supervisor });

    const timestamps: number[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page: Page = (await read({ first: 10, after })).data!.session.recording;
      assert.equal(page.available, true);
      timestamps.push(...page.events.map((event) => event.timestamp));
      pages += 1;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    assert.equal(pages, 3);
    assert.deepEqual(
      timestamps,
      Array.from({ length: 50 }, (_, i) => (Math.floor(i / 2) + 1) * 10 + (i % 2)),
    );
    // The default page is 10 chunks, and one page never holds more than 20.
    assert.equal((await read({})).data!.session.recording.events.length, 20);
    assert.equal(errorCode(await read({ first: 21 })), 'BAD_USER_INPUT');
    assert.equal(errorCode(await read({ after: 'bm9wZQ' })), 'BAD_USER_INPUT');
    await gql(server.url, 'mutation{ updateSiteSettings(input: { recordingEnabled: false }){ recordingEnabled } }', {}, { cookie: admin });
  });

  it('refuses a verification to an agent', async () => {
    const session = await joinedSession();
    assert.equal(errorCode(await gql(server.url, VERIFY, { id: session.id }, { cookie: agent })), 'FORBIDDEN');
    await exit(session.id);
  });
});
