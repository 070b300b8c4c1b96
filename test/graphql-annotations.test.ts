import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_ANNOTATION_POINTS_PER_SIGNAL, MAX_ANNOTATION_SIGNALS_PER_SECOND } from '../protocol/limits.ts';
import type { StreamMessage } from '../protocol/index.ts';
import { gql, signIn, startCustomerSession, wsClient, wsCollect, wsExecute } from './support/graphql-client.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

const STREAM = 'subscription($id: ID!){ sessionStream(sessionId: $id) }';
const SEND_SIGNAL = 'mutation($id: ID!, $signal: JSON!){ sendSignal(sessionId: $id, signal: $signal) }';
const JOIN = 'mutation($code: String!){ joinSession(code: $code){ id } }';

const errorCode = (result: { errors?: { extensions?: { code?: string } }[] }) => result.errors?.[0]?.extensions?.code;

const piece = (id: number, points = [0, 0, 5, 5]) => ({
  type: 'annotate',
  stroke: { id, tool: 'draw', anchor: { x: 10, y: 10 }, points },
});

describe('annotation signals', () => {
  let server: TestServer;
  let url: string;
  let agentCookie: string;

  before(async () => {
    server = await startTestServer();
    url = server.url;
    agentCookie = await signIn(url, 'agent@example.com');
  });
  after(() => server.close());

  it('reach the customer in Pointer Mode, are checked, rate-limited, and audited once per burst', async () => {
    const session = await startCustomerSession(url);
    await gql(url, JOIN, { code: session.code }, { cookie: agentCookie });
    const customer = wsClient(url, { customerToken: session.customerToken });
    const agent = wsClient(url, { cookie: agentCookie });
    const stream = wsCollect<StreamMessage>(customer, STREAM, { id: session.id });
    await stream.next((value) => value.type === 'session');
    const send = (signal: unknown) => wsExecute<{ sendSignal: boolean }>(agent, SEND_SIGNAL, { id: session.id, signal });

    // Pointer Mode: nothing else needed; the customer gets the piece as sent.
    assert.deepEqual((await send(piece(1))).data, { sendSignal: true });
    const got = await stream.next((value) => value.type === 'annotate');
    assert.deepEqual(got, piece(1));

    // Bad pieces are refused by field: too many points, odd coordinates, an unknown tool.
    const tooMany = await send(
      piece(
        2,
        Array.from({ length: MAX_ANNOTATION_POINTS_PER_SIGNAL * 2 + 2 }, () => 1),
      ),
    );
    assert.equal(errorCode(tooMany), 'BAD_USER_INPUT');
    assert.match(tooMany.errors![0]!.message, /stroke\.points/);
    assert.equal(errorCode(await send(piece(2, [1, 2, 3]))), 'BAD_USER_INPUT');
    assert.equal(errorCode(await send({ ...piece(2), stroke: { ...piece(2).stroke, tool: 'spray' } })), 'BAD_USER_INPUT');
    assert.equal(errorCode(await send(piece(2, [Number.MAX_VALUE, 0]))), 'BAD_USER_INPUT');

    // Past the rate limit pieces and clears are refused. Sent all at once, so a slow machine cannot spread
    // them over more than two of the limiter's windows: at most two limits' worth pass.
    const limit = MAX_ANNOTATION_SIGNALS_PER_SECOND * 2;
    const burst = await Promise.all(
      Array.from({ length: limit * 3 }, (_, i) => send(i % 10 === 9 ? { type: 'clear-annotations' } : piece(3 + (i % 7)))),
    );
    const passed = burst.filter((result) => result.data?.sendSignal === true).length;
    assert.deepEqual([...new Set(burst.filter((result) => result.errors).map(errorCode))], ['RATE_LIMITED']);
    assert.ok(passed >= limit - 5 && passed <= limit * 2, `${passed} of ${limit * 3} pieces passed`);

    // Many pieces of several strokes within seconds: one audit row, not one per piece or stroke.
    const rows = await server.deps.db.auditEvent.findMany({ where: { sessionId: session.id, type: 'AGENT_ANNOTATED' } });
    assert.equal(rows.length, 1);
    assert.deepEqual(JSON.parse(rows[0]!.data as string), { tool: 'draw' });
    stream.dispose();
    await Promise.all([customer.dispose(), agent.dispose()]);
  });
});
