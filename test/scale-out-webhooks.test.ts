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
    // An attempt is stored after its answer came, and a second claim of a row would count a
    // second attempt: once none is pending, every request either instance sent has been received.
    await waitFor(
      async () => (await servers.a.deps.db.webhookDelivery.count({ where: { eventType: 'webhook.ping', status: 'PENDING' } })) === 0,
      'every ping sent',
      30_000,
    );
    const ids = receiver.of('webhook.ping').map((request) => request.headers['cobrowse-webhook-id']);
    assert.equal(ids.length, DELIVERIES, 'no delivery was sent twice');
    assert.equal(new Set(ids).size, DELIVERIES);
    const stored = await servers.b.deps.db.webhookDelivery.findMany({ where: { eventType: 'webhook.ping' } });
    assert.ok(stored.every((delivery) => delivery.status === 'SUCCEEDED' && delivery.attempts === 1));
  });

  it('announces a session started on the other instance once, from its PostgreSQL transaction', async () => {
    const sessionOf = (request: { body: string }) => (JSON.parse(request.body) as { data: { sessionId: string } }).data.sessionId;
    const session = await startCustomerSession(servers.b.url);
    // A session started after it on the other instance is announced: a second announcement of the
    // first, from either instance, would have been made by then.
    const later = await startCustomerSession(servers.a.url);
    await waitFor(() => receiver.of('session.started').some((request) => sessionOf(request) === later.id), 'the later session.started');
    await waitFor(
      async () => (await servers.a.deps.db.webhookDelivery.count({ where: { eventType: 'session.started', status: 'PENDING' } })) === 0,
      'every session.started sent',
    );
    const started = receiver.of('session.started').filter((request) => sessionOf(request) !== later.id);
    assert.equal(started.length, 1);
    assert.equal(sessionOf(started[0]!), session.id);
    assert.equal(await servers.a.deps.db.webhookDelivery.count({ where: { eventType: 'session.started' } }), 2, 'one delivery each');
  });
});
