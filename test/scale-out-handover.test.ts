import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StreamMessage } from '../protocol/index.ts';
import { gql, signIn, startCustomerSession, wsClient, wsCollect } from './support/graphql-client.ts';
import { twoInstances } from './support/services.ts';
import { waitFor } from './support/wait-for.ts';

const STREAM = 'subscription($id: ID!){ sessionStream(sessionId: $id) }';
const OFFERS = 'subscription { handoverOffers { open offer { id sessionId } } }';

interface OfferChange {
  open: boolean;
  offer: { id: string; sessionId: string };
}

const isEvent = (event: string) => (message: StreamMessage) => message.type === 'session' && message.event === event;

// Hand-over, scaled out: the offering agent, the offered agent and the customer on different instances.
describe('hand-over across two instances on PostgreSQL and Redis', () => {
  const servers = twoInstances('handover');

  it('reaches the offered agent on the other instance, and the accept ends the first agent’s view there', async () => {
    const admin = await signIn(servers.a.url, 'admin@example.com');
    await gql(
      servers.a.url,
      'mutation { updateSiteSettings(input: { handoverEnabled: true }) { handoverEnabled } }',
      {},
      { cookie: admin },
    );
    const session = await startCustomerSession(servers.a.url);
    const agentA = await signIn(servers.a.url, 'agent@example.com');
    const agentB = await signIn(servers.b.url, 'agent2@example.com');
    await gql(servers.a.url, 'mutation($c: String!){ joinSession(code: $c){ id } }', { c: session.code }, { cookie: agentA });

    const customer = wsClient(servers.b.url, { customerToken: session.customerToken });
    const customerStream = wsCollect<StreamMessage>(customer, STREAM, { id: session.id });
    const first = wsClient(servers.a.url, { cookie: agentA });
    const firstStream = wsCollect<StreamMessage>(first, STREAM, { id: session.id });
    await Promise.all([customerStream.next((m) => m.type === 'rules'), firstStream.next((m) => m.type === 'rules')]);

    // B's desktop is connected to instance B: B counts as online on A too.
    const second = wsClient(servers.b.url, { cookie: agentB });
    const offers = wsCollect<OfferChange>(second, OFFERS, {});
    const bId = (await servers.a.deps.db.user.findUniqueOrThrow({ where: { email: 'agent2@example.com' } })).id;
    await waitFor(() => servers.a.deps.db.agentPresence.findUnique({ where: { userId: bId } }), 'B online, seen from A');

    const offered = await gql<{ offerHandover: { id: string } }>(
      servers.a.url,
      'mutation($id: ID!, $to: ID!){ offerHandover(sessionId: $id, toAgentId: $to){ id } }',
      { id: session.id, to: bId },
      { cookie: agentA },
    );
    assert.ok(offered.data, JSON.stringify(offered.errors));
    const reached = await offers.next((change) => change.open);
    assert.equal(reached.offer.sessionId, session.id);

    const accepted = await gql<{ acceptHandover: { agent: { name: string } } }>(
      servers.b.url,
      'mutation($o: ID!){ acceptHandover(offerId: $o){ agent { name } } }',
      { o: offered.data.offerHandover.id },
      { cookie: agentB },
    );
    assert.equal(accepted.data?.acceptHandover.agent.name, 'Blair Agent', JSON.stringify(accepted.errors));
    const told = await firstStream.next(isEvent('handed-over'));
    assert.ok(told.type === 'session' && told.agentId === bId);
    await waitFor(() => firstStream.completed, 'the first agent’s stream on A to end');
    const customerTold = await customerStream.next(isEvent('handed-over'));
    assert.equal(customerTold.type === 'session' && customerTold.session.agentName, 'Blair Agent');
    await offers.next((change) => !change.open);

    // B's stream on instance B now carries the customer's page.
    const secondStream = wsCollect<StreamMessage>(second, STREAM, { id: session.id });
    await secondStream.next((m) => m.type === 'rules');
    await gql(servers.b.url, 'mutation($id: ID!){ exitSession(sessionId: $id){ id } }', { id: session.id }, { cookie: agentB });
    await Promise.all([customer.dispose(), first.dispose(), second.dispose()]);
  });
});
