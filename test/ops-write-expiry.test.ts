import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { verifyAuditChain } from '../server/audit/verify-audit-chain.ts';
import { openDatabase } from '../server/core/db/open-database.ts';
import { expireWriteRequests } from '../server/sessions/expire-waiting-sessions.ts';
import { answerWriteMode, requestWriteMode } from '../server/sessions/write-mode.ts';
import { gql, signIn, startCustomerSession } from './support/graphql-client.ts';
import { startTestServer } from './support/test-server.ts';
import { startServer, type RunningServer } from '../server/start-server.ts';
import { waitFor } from './support/wait-for.ts';

/** Long enough for this test to kill the process before its own timer would close the request. */
const TTL_MS = 4000;

describe('a Write Mode request expires across a restart', () => {
  let dir: string | undefined;
  let server: RunningServer | undefined;
  after(async () => {
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is closed by the next instance’s sweep when the one that took it was killed', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cobrowse-write-expiry-'));
    const databaseUrl = `file:${path.join(dir, 'test.db')}`;

    // The first instance takes the request and is killed before its timer runs.
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/write-request-child.ts', databaseUrl, String(TTL_MS)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const line = await waitFor(() => output.split('\n').find((text) => text.startsWith('{"sessionId"')), 'the request', 120_000).catch(
      (error: Error) => {
        child.kill('SIGKILL');
        throw new Error(`${error.message}\n${output}`);
      },
    );
    child.kill('SIGKILL');
    await exited;
    const request = JSON.parse(line) as { sessionId: string; requestId: string; expiresAt: string };
    assert.ok(Date.now() < Date.parse(request.expiresAt), 'killed before the request was due');

    // Past its time with no instance running, the request is still open in the database.
    await waitFor(() => Date.now() > Date.parse(request.expiresAt) + 100, 'the request to be due', TTL_MS + 1000);
    const offline = await openDatabase(databaseUrl);
    const pending = await offline.prisma.session.findUniqueOrThrow({ where: { id: request.sessionId } });
    assert.equal(pending.writeRequestId, request.requestId);
    assert.equal(await offline.prisma.auditEvent.count({ where: { sessionId: request.sessionId, type: 'WRITE_EXPIRED' } }), 0);
    await offline.close();

    // A new instance on the same database: its sweep closes the request, audited by the system.
    server = await startServer({
      pages: false,
      log: () => {},
      config: { port: 0, host: '127.0.0.1', databaseUrl, waitingSessionSweepSeconds: 1 },
    });
    const db = server.deps.db;
    await waitFor(
      async () => (await db.session.findUniqueOrThrow({ where: { id: request.sessionId } })).writeRequestId === null,
      'the sweep to close the request',
      30_000,
    );
    const closed = await db.session.findUniqueOrThrow({ where: { id: request.sessionId } });
    assert.equal(closed.writeRequestExpiresAt, null);
    assert.equal(closed.mode, 'POINTER');
    assert.equal(closed.status, 'ACTIVE');
    const last = await db.auditEvent.findFirstOrThrow({ where: { sessionId: request.sessionId }, orderBy: { sequence: 'desc' } });
    assert.equal(last.type, 'WRITE_EXPIRED');
    assert.equal(last.actorKind, 'SYSTEM');
    assert.deepEqual(JSON.parse(last.data), { requestId: request.requestId });
    assert.deepEqual(await verifyAuditChain(db, request.sessionId), { intact: true, events: 4, brokenAt: null });
    await assert.rejects(answerWriteMode(server.deps, request.sessionId, request.requestId, true), { code: 'WRITE_REQUEST_CLOSED' });
  });

  it('sweeps live sessions only: an ended session’s old request is left alone and never crowds out a live one', async (t) => {
    const local = await startTestServer({ config: { waitingSessionSweepSeconds: 3600 } });
    t.after(() => local.close());
    const cookie = await signIn(local.url, 'agent@example.com');
    const agent = await local.deps.db.user.findUniqueOrThrow({ where: { email: 'agent@example.com' } });
    const joinedWithRequest = async () => {
      const session = await startCustomerSession(local.url);
      await gql(local.url, 'mutation($c: String!){ joinSession(code: $c){ id } }', { c: session.code }, { cookie });
      await requestWriteMode(local.deps, agent, session.id);
      return session.id;
    };
    const ended = await joinedWithRequest();
    await gql(local.url, 'mutation($id: ID!){ exitSession(sessionId: $id){ id } }', { id: ended }, { cookie });
    const live = await joinedWithRequest();
    // Both requests overdue, as after a long outage.
    await local.deps.db.session.updateMany({
      where: { id: { in: [ended, live] } },
      data: { writeRequestExpiresAt: new Date(Date.now() - 1000) },
    });

    assert.equal(await expireWriteRequests(local.deps), 1);
    assert.equal((await local.deps.db.session.findUniqueOrThrow({ where: { id: live } })).writeRequestId, null);
    assert.equal(await local.deps.db.auditEvent.count({ where: { sessionId: live, type: 'WRITE_EXPIRED' } }), 1);
    assert.equal(await local.deps.db.auditEvent.count({ where: { sessionId: ended, type: 'WRITE_EXPIRED' } }), 0);
    assert.equal(await expireWriteRequests(local.deps), 0, 'nothing is left for the next sweep');
  });
});
