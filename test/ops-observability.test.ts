import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../server/observability/logger.ts';
import { gql, signIn, startCustomerSession, wsClient, wsExecute } from './support/graphql-client.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { waitFor } from './support/wait-for.ts';

const METRICS_TOKEN = 'scrape-token-0123456789abcdef';

const SEND_EVENTS = 'mutation($id: ID!, $batch: JSON!){ sendEvents(sessionId: $id, batch: $batch) }';

/** The value of one sample in Prometheus' text format, e.g. `cobrowse_sessions{state="WAITING"}`. */
const sample = (text: string, name: string): number => {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  return line ? Number(line.slice(name.length + 1)) : NaN;
};
const metrics = async (server: TestServer) => {
  const response = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /text\/plain/);
  return response.text();
};

describe('operating it: structured logs and Prometheus metrics', () => {
  let server: TestServer;
  const lines: string[] = [];

  before(async () => {
    server = await startTestServer({
      logger: createLogger({ level: 'info', lines: (line) => lines.push(line) }),
      config: { metricsToken: METRICS_TOKEN, metricsRefreshSeconds: 1 },
    });
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

    // Session counts are cached for METRICS_REFRESH_SECONDS (1 s here).
    const after = await waitFor(async () => {
      const text = await metrics(server);
      return sample(text, 'cobrowse_sessions{state="WAITING"}') === sample(before, 'cobrowse_sessions{state="WAITING"}') + 1
        ? text
        : undefined;
    }, 'the new waiting session to be counted');
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

/** Counts the SQL statements this process sends to SQLite whose text matches `pattern` (the adapter prepares each one). */
function countStatements(pattern: RegExp) {
  const Database = createRequire(import.meta.url)('better-sqlite3') as { prototype: { prepare: (sql: string) => unknown } };
  const prepare = Database.prototype.prepare;
  let count = 0;
  Database.prototype.prepare = function (this: unknown, sql: string) {
    if (pattern.test(sql)) count += 1;
    return prepare.call(this, sql);
  };
  return { count: () => count, restore: () => void (Database.prototype.prepare = prepare) };
}

describe('who may scrape the metrics, and what a scrape costs', () => {
  let tokenServer: TestServer;
  let internalServer: TestServer;

  before(async () => {
    tokenServer = await startTestServer({ config: { metricsToken: METRICS_TOKEN, metricsRefreshSeconds: 60 } });
    internalServer = await startTestServer({ config: { metricsPort: 0 } });
  });
  after(async () => {
    await tokenServer?.close();
    await internalServer?.close();
  });

  it('refuses a scrape without the bearer token or with another one, and answers with it', async () => {
    const scrape = (authorization?: string) => fetch(`${tokenServer.url}/metrics`, { headers: authorization ? { authorization } : {} });
    const bare = await scrape();
    assert.equal(bare.status, 401);
    assert.equal(bare.headers.get('www-authenticate'), 'Bearer');
    assert.doesNotMatch(await bare.text(), /cobrowse_/);
    for (const wrong of [`Bearer ${METRICS_TOKEN}x`, `Bearer ${METRICS_TOKEN.slice(0, -1)}`, METRICS_TOKEN, `Basic ${METRICS_TOKEN}`]) {
      assert.equal((await scrape(wrong)).status, 401, wrong);
    }
    const allowed = await scrape(`Bearer ${METRICS_TOKEN}`);
    assert.equal(allowed.status, 200);
    assert.match(await allowed.text(), /cobrowse_sessions\{state="WAITING"\}/);
  });

  it('without a token, serves metrics only on the internal port, bound to 127.0.0.1', async () => {
    assert.equal((await fetch(`${internalServer.url}/metrics`)).status, 404);
    assert.equal((await fetch(`${internalServer.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status, 404);
    assert.ok(internalServer.metricsUrl, 'the internal port is open');
    assert.match(internalServer.metricsUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    const internal = await fetch(`${internalServer.metricsUrl}/metrics`);
    assert.equal(internal.status, 200);
    assert.match(await internal.text(), /cobrowse_sessions\{state="WAITING"\}/);
    assert.equal((await fetch(`${internalServer.metricsUrl}/api/graphql`)).status, 404, 'the internal port serves metrics alone');
  });

  it('counts sessions once per refresh period, not once per scrape', async (t) => {
    // A server of its own: nothing has been scraped, so nothing is cached yet.
    const fresh = await startTestServer({ config: { metricsToken: METRICS_TOKEN, metricsRefreshSeconds: 60 } });
    t.after(() => fresh.close());
    const scrape = async () => {
      const response = await fetch(`${fresh.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      assert.equal(response.status, 200);
      return response.text();
    };
    const counter = countStatements(/\bGROUP BY\b/i);
    try {
      // The capture sees the count: the first scrape of a fresh server has nothing cached.
      await scrape();
      assert.equal(counter.count(), 1, 'the first scrape counts the sessions');
      await Promise.all(Array.from({ length: 5 }, scrape));
      for (let i = 0; i < 20; i += 1) await scrape();
      assert.equal(counter.count(), 1, '25 more scrapes within the refresh period send no more counts');
    } finally {
      counter.restore();
    }
  });
});
