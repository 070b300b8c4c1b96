import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { GENESIS_HASH, appendAuditEvent, auditEventDigest, auditHeadSeal } from '../server/audit/append-audit-event.ts';
import { verifyAuditChain } from '../server/audit/verify-audit-chain.ts';
import type { PrismaClient } from '../server/core/db/index.ts';
import { errorCode, gql, signIn, startCustomerSession } from './support/graphql-client.ts';
import { POSTGRES_URL, dropSchema } from './support/services.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

const VERIFY = 'query($id: ID!, $head: AuditHeadInput){ verifyAudit(sessionId: $id, knownHead: $head){ intact events brokenAt } }';
const SERVER_KEY = 'the-servers-own-audit-chain-key-0123456789';
const GUESSED_KEY = 'a-key-the-attacker-made-up-0123456789abcdef';

type Row = { sequence: number; at: Date; actorKind: string; actorId: string | null; type: string; data: string };
/** How someone with the database but not the key recomputes a link: the unkeyed SHA-256 chain, or HMAC under a guess. */
type Recompute = (prevHash: string, row: Row) => string;
const unkeyed: Recompute = (prevHash, row) =>
  createHash('sha256')
    .update(prevHash)
    .update(JSON.stringify([row.sequence, row.at.toISOString(), row.actorKind, row.actorId, row.type, row.data]))
    .digest('hex');
const guessedKey: Recompute = (prevHash, row) => auditEventDigest(prevHash, row, GUESSED_KEY);
const serverKey: Recompute = (prevHash, row) => auditEventDigest(prevHash, row, SERVER_KEY);

/** Rewrites every link from `from` on and the session's head, as an attacker would after an edit. */
async function rechain(db: PrismaClient, sessionId: string, recompute: Recompute, sealKey: string | null): Promise<void> {
  const rows = await db.auditEvent.findMany({ where: { sessionId }, orderBy: { sequence: 'asc' } });
  let prevHash = GENESIS_HASH;
  for (const row of rows) {
    const hash = recompute(prevHash, row);
    await db.auditEvent.update({ where: { id: row.id }, data: { prevHash, hash } });
    prevHash = hash;
  }
  const count = rows.length;
  await db.session.update({
    where: { id: sessionId },
    data: {
      auditCount: count,
      auditHeadHash: count ? prevHash : null,
      auditHeadSeal: sealKey === null ? null : auditHeadSeal(sessionId, count, prevHash, sealKey),
    },
  });
}

for (const backend of ['sqlite', 'postgresql'] as const) {
  describe(`the keyed audit chain reports tampering and truncation (${backend})`, () => {
    const schema = `cobrowse_audit_chain_${process.pid}_${Date.now()}`;
    let server: TestServer;
    let agent: string;
    let db: PrismaClient;

    before(async () => {
      server = await startTestServer({
        config: { auditChainKey: SERVER_KEY, ...(backend === 'postgresql' ? { databaseUrl: `${POSTGRES_URL}?schema=${schema}` } : {}) },
      });
      db = server.deps.db;
      agent = await signIn(server.url, 'agent@example.com');
    });
    after(async () => {
      await server?.close();
      if (backend === 'postgresql') await dropSchema(schema);
    });

    /** A session started, joined and ended: four audit rows. */
    async function endedSession(): Promise<string> {
      const session = await startCustomerSession(server.url);
      await gql(server.url, 'mutation($c: String!){ joinSession(code: $c){ id } }', { c: session.code }, { cookie: agent });
      await gql(server.url, 'mutation($id: ID!){ exitSession(sessionId: $id){ id } }', { id: session.id }, { cookie: agent });
      assert.deepEqual(await verifyAuditChain(db, session.id), { intact: true, events: 4, brokenAt: null });
      return session.id;
    }

    it('links rows with HMAC under the configured key, not a plain hash', async () => {
      const id = await endedSession();
      const [first] = await db.auditEvent.findMany({ where: { sessionId: id }, orderBy: { sequence: 'asc' }, take: 1 });
      assert.equal(first!.hash, serverKey(GENESIS_HASH, first!));
      assert.notEqual(first!.hash, unkeyed(GENESIS_HASH, first!));
    });

    it('an edited row shows even when the chain and head are recomputed without the key', async () => {
      // The attacker's recomputation is right: with the server's key it would pass.
      const control = await endedSession();
      await db.auditEvent.update({
        where: { sessionId_sequence: { sessionId: control, sequence: 2 } },
        data: { data: '{"agentId":"someone-else"}' },
      });
      assert.deepEqual(await verifyAuditChain(db, control), { intact: false, events: 4, brokenAt: 2 });
      await rechain(db, control, serverKey, SERVER_KEY);
      assert.deepEqual(await verifyAuditChain(db, control), { intact: true, events: 4, brokenAt: null });

      for (const [recompute, sealKey] of [
        [unkeyed, null],
        [unkeyed, GUESSED_KEY],
        [guessedKey, GUESSED_KEY],
      ] as const) {
        const id = await endedSession();
        await db.auditEvent.update({
          where: { sessionId_sequence: { sessionId: id, sequence: 2 } },
          data: { data: '{"agentId":"someone-else"}' },
        });
        await rechain(db, id, recompute, sealKey);
        assert.deepEqual(await verifyAuditChain(db, id), { intact: false, events: 4, brokenAt: 1 });
      }
    });

    it('removing the newest rows shows, even with the head moved back to the new last row', async () => {
      const deleteNewest = (id: string) => db.auditEvent.deleteMany({ where: { sessionId: id, sequence: { gte: 3 } } });
      const moveHeadBack = async (id: string, sealKey: string | null) => {
        const last = await db.auditEvent.findUniqueOrThrow({ where: { sessionId_sequence: { sessionId: id, sequence: 2 } } });
        await db.session.update({
          where: { id },
          data: {
            auditCount: 2,
            auditHeadHash: last.hash,
            auditHeadSeal: sealKey === null ? null : auditHeadSeal(id, 2, last.hash, sealKey),
          },
        });
      };

      const headLeft = await endedSession();
      await deleteNewest(headLeft);
      assert.deepEqual(await verifyAuditChain(db, headLeft), { intact: false, events: 2, brokenAt: 3 });

      // The move itself is right: sealed with the server's key, it would pass.
      const control = await endedSession();
      await deleteNewest(control);
      await moveHeadBack(control, SERVER_KEY);
      assert.deepEqual(await verifyAuditChain(db, control), { intact: true, events: 2, brokenAt: null });

      for (const sealKey of [null, GUESSED_KEY]) {
        const id = await endedSession();
        const { auditHeadSeal: kept } = await db.session.findUniqueOrThrow({ where: { id }, select: { auditHeadSeal: true } });
        await deleteNewest(id);
        await moveHeadBack(id, sealKey);
        assert.deepEqual(await verifyAuditChain(db, id), { intact: false, events: 2, brokenAt: 3 }, `sealed with ${sealKey}`);
        // Nor does the seal of the full trail fit the shortened one.
        await db.session.update({ where: { id }, data: { auditHeadSeal: kept } });
        assert.deepEqual(await verifyAuditChain(db, id), { intact: false, events: 2, brokenAt: 3 });
      }

      const emptied = await endedSession();
      await db.auditEvent.deleteMany({ where: { sessionId: emptied } });
      await db.session.update({ where: { id: emptied }, data: { auditCount: 0, auditHeadHash: null, auditHeadSeal: null } });
      assert.deepEqual(await verifyAuditChain(db, emptied), { intact: false, events: 0, brokenAt: 1 });
    });

    it('a head copied earlier and put back is caught by the head kept outside the database', async () => {
      const session = await startCustomerSession(server.url);
      await gql(server.url, 'mutation($c: String!){ joinSession(code: $c){ id } }', { c: session.code }, { cookie: agent });
      const early = await db.session.findUniqueOrThrow({ where: { id: session.id } });
      assert.equal(early.auditCount, 2);
      await gql(server.url, 'mutation($id: ID!){ exitSession(sessionId: $id){ id } }', { id: session.id }, { cookie: agent });
      // The last row as an export showed it, kept elsewhere.
      const last = await db.auditEvent.findFirstOrThrow({ where: { sessionId: session.id }, orderBy: { sequence: 'desc' } });
      const knownHead = { count: last.sequence, hash: last.hash };
      assert.deepEqual(await verifyAuditChain(db, session.id, { knownHead }), { intact: true, events: 4, brokenAt: null });

      await db.auditEvent.deleteMany({ where: { sessionId: session.id, sequence: { gte: 3 } } });
      await db.session.update({
        where: { id: session.id },
        data: { auditCount: early.auditCount, auditHeadHash: early.auditHeadHash, auditHeadSeal: early.auditHeadSeal },
      });
      // The database alone cannot tell a replayed seal from a real one...
      assert.deepEqual(await verifyAuditChain(db, session.id), { intact: true, events: 2, brokenAt: null });
      // ...the head kept outside it can, through the API too.
      assert.deepEqual(await verifyAuditChain(db, session.id, { knownHead }), { intact: false, events: 2, brokenAt: 3 });
      const supervisor = await signIn(server.url, 'supervisor@example.com');
      const verify = (head: unknown) => gql<{ verifyAudit: unknown }>(server.url, VERIFY, { id: session.id, head }, { cookie: supervisor });
      assert.deepEqual((await verify(null)).data?.verifyAudit, { intact: true, events: 2, brokenAt: null });
      assert.deepEqual((await verify(knownHead)).data?.verifyAudit, { intact: false, events: 2, brokenAt: 3 });
      for (const bad of [
        { count: 0, hash: knownHead.hash },
        { count: 4, hash: 'not-a-hash' },
      ]) {
        assert.equal(errorCode(await verify(bad)), 'BAD_USER_INPUT');
      }
      assert.deepEqual(await verifyAuditChain(db, session.id, { knownHead: { count: 2, hash: 'f'.repeat(64) } }), {
        intact: false,
        events: 2,
        brokenAt: 2,
      });
    });

    it('checks a trail longer than one page of rows, and finds an edit on the second page', async () => {
      const session = await startCustomerSession(server.url);
      await db.$transaction(
        async (tx) => {
          for (let page = 0; page < 1004; page++) {
            await appendAuditEvent(
              tx,
              session.id,
              { kind: 'CUSTOMER', id: null },
              { type: 'PAGE_VISITED', data: { url: `/p${page}`, hidden: false } },
            );
          }
        },
        { timeout: 120_000 },
      );
      assert.deepEqual(await verifyAuditChain(db, session.id), { intact: true, events: 1005, brokenAt: null });
      await db.auditEvent.update({
        where: { sessionId_sequence: { sessionId: session.id, sequence: 1003 } },
        data: { data: '{"url":"/elsewhere","hidden":false}' },
      });
      assert.deepEqual(await verifyAuditChain(db, session.id), { intact: false, events: 1005, brokenAt: 1003 });
    });
  });
}
