import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { deliveryRow, webhookPayload } from '../server/webhooks/enqueue-webhook-event.ts';
import { gql, signIn, startCustomerSession } from './support/graphql-client.ts';
import { twoInstances } from './support/services.ts';
import { waitFor } from './support/wait-for.ts';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.ts';

const DELIVERIES = 60;

describe('Webhooks from two instances on PostgreSQL', () => {
  // Both poll often and send several at once, so they keep reading the same due rows.
  const servers = twoInstances('webhooks', { webhookAllowPrivateTargets: true, webhookPollIntervalMs: 20, webhookConcurrency: 8 });
  let receiver: WebhookReceiver;
  let endpointId: string;

  before(async () => {
    receiver = await startWebhookReceiver();
    const admin = await signIn(servers.a.url, 'admin@example.com');
    const created = await gql<{ createWebhookEndpoint: { endpoint: { id: string } } }>(
      servers.a.url,
      'mutation($input: CreateWebhookEndpointInput!){ createWebhookEndpoint(input: $input){ endpoint { id } } }',
      { input: { url: receiver.url, events: ['SESSION_STARTED'] } },
      { cookie: admin },
    );
    endpointId = created.data!.createWebhookEndpoint.endpoint.id;
  });
  after(() => receiver.close());

  it('sends every delivery exactly once while both instances claim them', async () => {
    const rows = Array.from({ length: DELIVERIES }, (_, i) =>
      deliveryRow(endpointId, webhookPayload({ type: 'webhook.ping', data: { i } })),
    );
    await servers.a.deps.db.webhookDelivery.createMany({ data: rows });
    await waitFor(() => receiver.of('webhook.ping').length >= DELIVERIES, 'every ping', 30_000);
    await new Promise((resolve) => setTimeout(resolve, 300)); // a duplicate would arrive now
    const ids = receiver.of('webhook.ping').map((request) => request.headers['cobrowse-webhook-id']);
    assert.equal(ids.length, DELIVERIES, 'no delivery was sent twice');
    assert.equal(new Set(ids).size, DELIVERIES);
    const stored = await servers.b.deps.db.webhookDelivery.findMany({ where: { eventType: 'webhook.ping' } });
    assert.ok(stored.every((delivery) => delivery.status === 'SUCCEEDED' && delivery.attempts === 1));
  });

  it('announces a session started on the other instance once, from its PostgreSQL transaction', async () => {
    const session = await startCustomerSession(servers.b.url);
    await waitFor(() => receiver.of('session.started').length >= 1, 'session.started');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = receiver.of('session.started');
    assert.equal(started.length, 1);
    assert.equal((JSON.parse(started[0]!.body) as { data: { sessionId: string } }).data.sessionId, session.id);
  });
});
