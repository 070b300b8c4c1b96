import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { signatureHeader } from '../server/webhooks/sign-webhook.ts';
import { gql, signIn, startCustomerSession } from './support/graphql-client.ts';
import { freePort } from './support/services.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { waitFor } from './support/wait-for.ts';

describe('the webhook receiver example in docs/', () => {
  let server: TestServer;
  let receiver: ChildProcess;
  let secret: string;
  let receiverUrl: string;
  let stdout = '';
  let stderr = '';

  before(async () => {
    // The example listens on 127.0.0.1, which production refuses as a target: allowed here.
    server = await startTestServer({ config: { webhookAllowPrivateTargets: true, webhookPollIntervalMs: 50 } });
    const admin = await signIn(server.url, 'admin@example.com');
    const port = await freePort();
    receiverUrl = `http://127.0.0.1:${port}/webhooks`;
    const created = await gql<{ createWebhookEndpoint: { secret: string; endpoint: { id: string } } }>(
      server.url,
      'mutation($input: CreateWebhookEndpointInput!){ createWebhookEndpoint(input: $input){ secret endpoint { id } } }',
      { input: { url: receiverUrl, events: ['SESSION_STARTED', 'SESSION_ENDED'] } },
      { cookie: admin },
    );
    secret = created.data!.createWebhookEndpoint.secret;
    receiver = spawn(process.execPath, ['--import', 'tsx', 'docs/examples/webhook-receiver.ts'], {
      env: { ...process.env, WEBHOOK_SECRET: secret, PORT: String(port) },
      stdio: 'pipe',
    });
    receiver.stdout!.on('data', (chunk: Buffer) => (stdout += chunk));
    receiver.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
    await waitFor(() => stderr.includes('listening'), 'the example receiver to listen');
  });
  after(async () => {
    receiver.kill();
    await once(receiver, 'exit');
    await server.close();
  });

  const printed = () =>
    stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { delivery: string; type: string; data: Record<string, unknown> });

  it('verifies and prints the events of a real session', async () => {
    const session = await startCustomerSession(server.url);
    await gql(
      server.url,
      'mutation($id: ID!){ exitSession(sessionId: $id){ id } }',
      { id: session.id },
      { customerToken: session.customerToken },
    );
    await waitFor(() => printed().length >= 2, 'both events printed');
    assert.deepEqual(
      printed()
        .map((line) => line.type)
        .sort(),
      ['session.ended', 'session.started'],
    );
    for (const line of printed()) assert.equal(line.data.sessionId, session.id);
    // The receiver prints before its answer reaches the server, which marks the delivery then.
    await waitFor(async () => {
      const deliveries = await server.deps.db.webhookDelivery.findMany();
      return deliveries.length === 2 && deliveries.every((delivery) => delivery.status === 'SUCCEEDED' && delivery.lastStatusCode === 204);
    }, 'both deliveries marked as answered with 204');
  });

  it('refuses a wrong signature and an old timestamp, and handles a repeated delivery once', async () => {
    const body = JSON.stringify({ id: 'evt_test', type: 'webhook.ping', createdAt: new Date().toISOString(), data: {} });
    const post = (signature: string, id = 'delivery-1') =>
      fetch(receiverUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'cobrowse-signature': signature, 'cobrowse-webhook-id': id },
        body,
      });
    const now = Math.floor(Date.now() / 1000);
    const before = printed().length;
    assert.equal((await post(signatureHeader('whsec_someone-else', now, body))).status, 400);
    assert.equal((await post(signatureHeader(secret, now - 600, body))).status, 400, 'ten minutes old');
    assert.equal((await post(`t=${now}`)).status, 400);
    assert.equal((await post(signatureHeader(secret, now, body))).status, 204);
    assert.equal((await post(signatureHeader(secret, now + 1, body))).status, 204, 'a retry of the same delivery is accepted');
    // The next delivery is printed after a second print of the first would have been.
    assert.equal((await post(signatureHeader(secret, now + 2, body), 'delivery-2')).status, 204);
    await waitFor(() => printed().some((line) => line.delivery === 'delivery-2'), 'the next delivery printed');
    assert.deepEqual(
      printed()
        .slice(before)
        .map((line) => line.delivery),
      ['delivery-1', 'delivery-2'],
      'and handled once',
    );
    await waitFor(() => /refused: signature does not match/.test(stderr), 'the wrong signature reported');
    await waitFor(() => /refused: timestamp too old/.test(stderr), 'the old timestamp reported');
  });
});
