import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../server/observability/logger.ts';
import { gql, signIn, startCustomerSession, wsClient, wsExecute } from './support/graphql-client.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

const SEND_EVENTS = 'mutation($id: ID!, $batch: JSON!){ sendEvents(sessionId: $id, batch: $batch) }';

/** The value of one sample in Prometheus' text format, e.g. `cobrowse_sessions{state="WAITING"}`. */
const sample = (text: string, name: string): number => {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  return line ? Number(line.slice(name.length + 1)) : NaN;
};
const metrics = async (server: TestServer) => {
  const response = await fetch(`${server.url}/metrics`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /text\/plain/);
  return response.text();
};

describe('operating it: structured logs and Prometheus metrics', () => {
  let server: TestServer;
  const lines: string[] = [];

  before(async () => {
    server = await startTestServer({ logger: createLogger({ level: 'info', lines: (line) => lines.push(line) }) });
  });
  after(() => server?.close());

  it('counts sessions by state, relayed messages and bytes, and times requests', async () => {
    const before = await metrics(server);
    const session = await startCustomerSession(server.url);
    const customer = wsClient(server.url, { customerToken: session.customerToken });
    const batch = { seq: 1, sentAt: Date.now(), events: [{ type: 3, data: { source: 1, positions: [] }, timestamp: Date.now() }] };
    const sent = await wsExecute(customer, SEND_EVENTS, { id: session.id, batch });
    assert.equal(sent.errors, undefined);
    await customer.dispose();

    const after = await metrics(server);
    assert.equal(sample(after, 'cobrowse_sessions{state="WAITING"}'), sample(before, 'cobrowse_sessions{state="WAITING"}') + 1);
    assert.ok(sample(after, 'cobrowse_ws_messages_received_total') > sample(before, 'cobrowse_ws_messages_received_total'));
    assert.ok(sample(after, 'cobrowse_ws_bytes_received_total') >= JSON.stringify(batch).length);
    assert.ok(sample(after, 'cobrowse_ws_bytes_sent_total') > 0);
    assert.ok(sample(after, 'cobrowse_pubsub_messages_published_total{topic="agent"}') >= 1, 'the batch was relayed to the agent topic');
    assert.ok(sample(after, 'cobrowse_http_request_duration_seconds_count{method="POST",route="graphql",status="2xx"}') >= 1);
    assert.ok(!Number.isNaN(sample(after, 'cobrowse_audit_write_failures_total')));
    assert.ok(!Number.isNaN(sample(after, 'process_resident_memory_bytes')), "Node's own process metrics are there");
  });

  it('logs JSON lines with levels and a request id, and never a secret', async () => {
    const session = await startCustomerSession(server.url);
    const cookie = await signIn(server.url, 'agent@example.com');
    const response = await fetch(`${server.url}/api/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        cookie,
        'x-cobrowse-customer-token': session.customerToken,
        'x-request-id': 'support-ticket-42',
      },
      body: JSON.stringify({ query: '{ me { email } }' }),
    });
    assert.equal(response.headers.get('x-request-id'), 'support-ticket-42');
    const bad = await gql(server.url, 'mutation($e: String!, $p: String!){ signIn(email: $e, password: $p){ id } }', {
      e: 'agent@example.com',
      p: 'a-wrong-password-that-must-not-be-logged',
    });
    assert.ok(bad.errors);

    const entries = lines.map((line) => JSON.parse(line) as { level: number; msg: string; req?: { id: string } });
    assert.ok(entries.every((entry) => typeof entry.level === 'number' && typeof entry.msg === 'string'));
    assert.ok(
      entries.some((entry) => entry.req?.id === 'support-ticket-42'),
      'the request is logged with its id',
    );
    const everything = lines.join('\n');
    for (const secret of [cookie.split('=')[1]!, session.customerToken, 'a-wrong-password-that-must-not-be-logged']) {
      assert.ok(!everything.includes(secret), `a secret (${secret.slice(0, 6)}…) reached the log`);
    }
  });
});
