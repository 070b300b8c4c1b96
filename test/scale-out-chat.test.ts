import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatQueueMessage, ChatStreamMessage } from '../protocol/chat.ts';
import { gql, signIn, wsClient, wsCollect, wsExecute } from './support/graphql-client.ts';
import { twoInstances } from './support/services.ts';

const STREAM = 'subscription($chatId: ID!, $chatToken: String){ chatStream(chatId: $chatId, chatToken: $chatToken) }';
const SEND =
  'mutation($chatId: ID!, $text: String!, $chatToken: String){ sendChatMessage(chatId: $chatId, text: $text, chatToken: $chatToken){ sequence } }';

// Scale-out for chat: the customer on one instance, the agent on another, sharing PostgreSQL and Redis.
describe('chat across two server instances on PostgreSQL and Redis', () => {
  const servers = twoInstances('chat');

  it('queues, accepts, carries messages both ways and starts co-browse from the chat', async () => {
    const cookie = await signIn(servers.b.url, 'agent@example.com');
    const agent = wsClient(servers.b.url, { cookie });
    const queue = wsCollect<ChatQueueMessage>(agent, 'subscription{ chatQueue }', {});
    await queue.next((message) => message.type === 'snapshot');

    const started = await gql<{ startChat: { customerToken: string; chat: { id: string } } }>(
      servers.a.url,
      'mutation($input: StartChatInput!){ startChat(input: $input){ customerToken chat { id } } }',
      { input: { url: `${servers.a.url}/demo`, customerName: 'Pat' } },
      { origin: servers.a.url },
    );
    const chatId = started.data!.startChat.chat.id;
    const chatToken = started.data!.startChat.customerToken;
    await queue.next((message) => message.type === 'queued' && message.chat.id === chatId);
    await gql(servers.b.url, 'mutation($id: ID!){ acceptChat(chatId: $id){ id } }', { id: chatId }, { cookie });

    const customer = wsClient(servers.a.url);
    const customerStream = wsCollect<ChatStreamMessage>(customer, STREAM, { chatId, chatToken });
    const agentStream = wsCollect<ChatStreamMessage>(agent, STREAM, { chatId });
    await Promise.all([customerStream.next(), agentStream.next()]);

    // Both sides at once: the sequence numbers stay unique and gapless on PostgreSQL.
    const sent = await Promise.all([
      wsExecute(customer, SEND, { chatId, text: 'from the customer', chatToken }),
      wsExecute(agent, SEND, { chatId, text: 'from the agent' }),
    ]);
    assert.ok(
      sent.every((result) => !result.errors),
      JSON.stringify(sent),
    );
    await agentStream.next((message) => message.type === 'message' && message.message.text === 'from the customer');
    await customerStream.next((message) => message.type === 'message' && message.message.text === 'from the agent');
    const rows = await servers.a.deps.db.chatMessage.findMany({ where: { chatId }, orderBy: { sequence: 'asc' } });
    assert.deepEqual(
      rows.map((row) => row.sequence),
      [1, 2],
    );

    const session = await gql<{ startSession: { session: { id: string; code: string } } }>(
      servers.a.url,
      'mutation($input: StartSessionInput!){ startSession(input: $input){ session { id code } } }',
      { input: { url: `${servers.a.url}/demo`, viewportWidth: 1280, viewportHeight: 800, chatToken } },
      { origin: servers.a.url },
    );
    const code = session.data!.startSession.session.code;
    await customerStream.next((message) => message.type === 'message' && message.message.text === `{start:${code}}`);
    const told = await agentStream.next((message) => message.type === 'cobrowse-started');
    assert.equal(told.type === 'cobrowse-started' && told.agentBusy, false);

    await gql(servers.a.url, 'mutation($id: ID!, $t: String){ endChat(chatId: $id, chatToken: $t){ id } }', { id: chatId, t: chatToken });
    await agentStream.next((message) => message.type === 'chat' && message.event === 'ended');
    const ended = await servers.b.deps.db.session.findUniqueOrThrow({ where: { code } });
    assert.equal(ended.endReason, 'chat-ended');
    queue.dispose();
    await Promise.all([agent.dispose(), customer.dispose()]);
  });
});
