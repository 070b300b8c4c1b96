import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { access, chown, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { StreamMessage } from '../protocol/index.ts';
import { verifyAuditChain } from '../server/audit/verify-audit-chain.ts';
import { gql, signIn, startCustomerSession, wsClient, wsCollect, wsExecute } from './support/graphql-client.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { waitFor } from './support/wait-for.ts';
import { freePort } from './support/services.ts';

const run = promisify(execFile);
const SEND_EVENTS = 'mutation($id: ID!, $batch: JSON!){ sendEvents(sessionId: $id, batch: $batch) }';
const STREAM = 'subscription($id: ID!){ sessionStream(sessionId: $id) }';
const OUTAGE_MS = 10_000;

/**
 * Where the installed PostgreSQL server's programs are: Debian keeps each version's in
 * /usr/lib/postgresql/<version>/bin (the newest with initdb is taken), elsewhere pg_config says.
 */
async function postgresBin(): Promise<string> {
  const versions = await readdir('/usr/lib/postgresql').catch(() => [] as string[]);
  for (const version of versions.sort((a, b) => Number(b) - Number(a))) {
    const bin = path.join('/usr/lib/postgresql', version, 'bin');
    if (
      await access(path.join(bin, 'initdb')).then(
        () => true,
        () => false,
      )
    )
      return bin;
  }
  return (await run('pg_config', ['--bindir'])).stdout.trim();
}

/** A PostgreSQL cluster of this test's own, so stopping it disturbs nobody else's tests. */
function privatePostgres(dir: string, port: number, bin: string) {
  const data = path.join(dir, 'data');
  const asPostgres = (...args: string[]) => run('runuser', ['-u', 'postgres', '--', ...args]);
  const pgCtl = (...args: string[]) => asPostgres(`${bin}/pg_ctl`, '-D', data, ...args);
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    async init() {
      const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
      const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
      await chown(dir, uid, gid);
      await asPostgres(`${bin}/initdb`, '-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync');
    },
    start: () => pgCtl('-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, '-l', path.join(dir, 'log'), '-w', 'start'),
    stop: () => pgCtl('-m', 'immediate', '-w', 'stop'),
  };
}

const pageBatch = (seq: number, href: string) => ({
  seq,
  sentAt: Date.now(),
  events: [{ type: 4, data: { href, width: 1280, height: 800 }, timestamp: Date.now() }],
});

// The database stopped for 10 s mid-session loses no audit row.
describe('database stopped for 10 s mid-session', () => {
  let dir: string;
  let postgres: ReturnType<typeof privatePostgres>;
  let server: TestServer | undefined;
  let running = false;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cobrowse-pg-'));
    postgres = privatePostgres(dir, await freePort(), await postgresBin());
    await postgres.init();
    await postgres.start();
    running = true;
    server = await startTestServer({ config: { databaseUrl: postgres.url } }); // migrations apply on start
  });
  after(async () => {
    if (!running) await postgres?.start().catch(() => {});
    await server?.close();
    await postgres?.stop().catch(() => {});
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('queues page visits and a supervisor leaving while it is down, and writes every row once it is back', async () => {
    const url = server!.url;
    const session = await startCustomerSession(url);
    const agent = await signIn(url, 'agent@example.com');
    const supervisor = await signIn(url, 'supervisor@example.com');
    assert.ok((await gql(url, 'mutation($c: String!){ joinSession(code: $c){ id } }', { c: session.code }, { cookie: agent })).data);

    const customer = wsClient(url, { customerToken: session.customerToken });
    const watcher = wsClient(url, { cookie: supervisor });
    try {
      const send = (seq: number, page: string) =>
        wsExecute(customer, SEND_EVENTS, { id: session.id, batch: pageBatch(seq, `${url}/demo/${page}`) });
      // The widget keeps its stream open, so its socket (authorized once, at connect) stays up.
      const customerStream = wsCollect<StreamMessage>(customer, STREAM, { id: session.id });
      await customerStream.next();
      assert.deepEqual(await send(1, 'before'), { data: { sendEvents: true } });
      const watch = wsCollect<StreamMessage>(watcher, STREAM, { id: session.id });
      await watch.next();
      await waitFor(
        async () => (await server!.deps.db.auditEvent.count({ where: { sessionId: session.id, type: 'SUPERVISOR_JOINED' } })) === 1,
        'the supervisor’s join on record',
      );
      await server!.deps.audit.drain();

      await postgres.stop();
      running = false;
      const stoppedAt = Date.now();
      // The customer keeps browsing: each page shown is queued for the audit trail. The outage's
      // length is what is tested (timed, not awaited): pages a second apart, and down for
      // OUTAGE_MS in all, past the queue's longest wait between retries.
      for (const [index, page] of ['during-1', 'during-2', 'during-3', 'during-4'].entries()) {
        const sent = await send(index + 2, page);
        assert.deepEqual(sent, { data: { sendEvents: true } }, JSON.stringify(sent));
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      // The supervisor stops watching while the database is still down.
      await watcher.dispose();
      await waitFor(() => server!.deps.audit.size >= 5, 'the page visits and the supervisor leaving to be queued');
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, stoppedAt + OUTAGE_MS - Date.now())));
      assert.ok(server!.deps.audit.size >= 5, 'nothing could be written while the database was down');

      await postgres.start();
      running = true;
      await waitFor(() => server!.deps.audit.size === 0, 'the queue to drain once the database is back', 60_000);

      const rows = await server!.deps.db.auditEvent.findMany({ where: { sessionId: session.id }, orderBy: { sequence: 'asc' } });
      const described = rows.map((row) =>
        row.type === 'PAGE_VISITED' ? (JSON.parse(row.data) as { url: string }).url.replace(`${url}/demo/`, 'page ') : row.type,
      );
      assert.deepEqual(described, [
        'SESSION_STARTED',
        'AGENT_JOINED',
        'page before',
        'SUPERVISOR_JOINED',
        'page during-1',
        'page during-2',
        'page during-3',
        'page during-4',
        'SUPERVISOR_LEFT',
      ]);
      assert.deepEqual(await verifyAuditChain(server!.deps.db, session.id), { intact: true, events: 9, brokenAt: null });
      assert.equal(server!.deps.audit.dropped, 0);

      // The session carries on normally afterwards.
      const exited = await gql(url, 'mutation($id: ID!){ exitSession(sessionId: $id){ status } }', { id: session.id }, { cookie: agent });
      assert.deepEqual(exited.data, { exitSession: { status: 'ENDED' } }, JSON.stringify(exited.errors));
      assert.deepEqual(await verifyAuditChain(server!.deps.db, session.id), { intact: true, events: 11, brokenAt: null });
    } finally {
      await Promise.allSettled([customer.dispose(), watcher.dispose()]);
    }
  });
});
