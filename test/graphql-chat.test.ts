import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ChatQueueMessage, ChatStreamMessage } from '../protocol/chat.ts';
import { errorCode, gql, probeUntilLive, signIn, wsClient, wsCollect, wsExecute } from './support/graphql-client.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

const START_CHAT = 'mutation($input: StartChatInput!){ startChat(input: $input){ customerToken chat { id status customerName } } }';
const SEND =
  'mutation($chatId: ID!, $text: String!, $chatToken: String){ sendChatMessage(chatId: $chatId, text: $text, chatToken: $chatToken){ sequence sender senderName text } }';
const ACCEPT = 'mutation($chatId: ID!){ acceptChat(chatId: $chatId){ id status agent { name } } }';
const END = 'mutation($chatId: ID!, $chatToken: String){ endChat(chatId: $chatId, chatToken: $chatToken){ id status endedBy } }';
const STREAM = 'subscription($chatId: ID!, $chatToken: String){ chatStream(chatId: $chatId, chatToken: $chatToken) }';
const CHAT = 'query($id: ID!, $chatToken: String){ chat(id: $id, chatToken: $chatToken){ id status messages { sequence sender text } } }';
const START_SESSION = 'mutation($input: StartSessionInput!){ startSession(input: $input){ customerToken session { id code status } } }';
const CHAT_MAX_MESSAGES = 15;

interface StartedChat {
  id: string;
  token: string;
}

describe('Chat over GraphQL: queue, messages, authorization, limits, co-browse from chat', () => {
  let server: TestServer;
  let agent: string;
  let agent2: string;
  let supervisor: string;
  let apiKey: string;

  const startChat = async (customerName?: string): Promise<StartedChat> => {
    const response = await gql<{ startChat: { customerToken: string; chat: { id: string } } }>(
      server.url,
      START_CHAT,
      { input: { url: `${server.url}/demo`, ...(customerName ? { customerName } : {}) } },
      { origin: server.url },
    );
    assert.ok(response.data, JSON.stringify(response.errors));
    return { id: response.data.startChat.chat.id, token: response.data.startChat.customerToken };
  };
  const send = (chat: StartedChat, text: string, as: { cookie?: string; token?: string | undefined } = { token: chat.token }) =>
    gql<{ sendChatMessage: { sequence: number; sender: string; senderName: string | null; text: string } }>(
      server.url,
      SEND,
      { chatId: chat.id, text, chatToken: as.token ?? null },
      as.cookie ? { cookie: as.cookie } : {},
    );
  const accept = (chat: StartedChat, cookie: string) =>
    gql<{ acceptChat: { status: string } }>(server.url, ACCEPT, { chatId: chat.id }, { cookie });

  before(async () => {
    server = await startTestServer({ config: { chatMaxMessages: CHAT_MAX_MESSAGES } });
    [agent, agent2, supervisor] = await Promise.all([
      signIn(server.url, 'agent@example.com'),
      signIn(server.url, 'agent2@example.com'),
      signIn(server.url, 'supervisor@example.com'),
    ]);
    const admin = await signIn(server.url, 'admin@example.com');
    const created = await gql<{ createApiKey: { key: string } }>(
      server.url,
      'mutation{ createApiKey(name: "chat reader"){ key } }',
      {},
      { cookie: admin },
    );
    apiKey = created.data!.createApiKey.key;
  });
  after(() => server.close());

  it('queues a chat for agents, lets one agent accept it, and carries messages both ways live', async () => {
    const refused = await gql(server.url, START_CHAT, { input: { url: 'https://evil.example/' } }, { origin: 'https://evil.example' });
    assert.equal(errorCode(refused), 'ORIGIN_NOT_ALLOWED');

    const early = await startChat();
    const agentWs = wsClient(server.url, { cookie: agent });
    const queue = wsCollect<ChatQueueMessage>(agentWs, 'subscription{ chatQueue }', {});
    // The whole queue first, so a page (re)subscribing replaces what it had.
    const snapshot = await queue.next();
    assert.ok(snapshot.type === 'snapshot' && snapshot.chats.some((queued) => queued.id === early.id), JSON.stringify(snapshot));
    const chat = await startChat('Jane');
    await queue.next((message) => message.type === 'queued' && message.chat.id === chat.id && message.chat.customerName === 'Jane');

    const customerWs = wsClient(server.url);
    const customerStream = wsCollect<ChatStreamMessage>(customerWs, STREAM, { chatId: chat.id, chatToken: chat.token });
    await customerStream.next((message) => message.type === 'chat' && message.event === 'state' && message.chat.status === 'QUEUED');
    // The customer may write while waiting.
    assert.equal((await send(chat, '  Hello, my card was declined  ')).data?.sendChatMessage.text, 'Hello, my card was declined');

    assert.equal((await accept(chat, agent)).data?.acceptChat.status, 'ACTIVE');
    assert.equal(errorCode(await accept(chat, agent2)), 'CHAT_TAKEN');
    await queue.next((message) => message.type === 'removed' && message.chatId === chat.id);
    await customerStream.next((message) => message.type === 'chat' && message.event === 'accepted' && message.chat.agentName !== null);

    // The agent's stream starts with the history.
    const agentStream = wsCollect<ChatStreamMessage>(agentWs, STREAM, { chatId: chat.id });
    await agentStream.next((message) => message.type === 'message' && message.message.text === 'Hello, my card was declined');
    const reply = await wsExecute<{ sendChatMessage: { senderName: string } }>(agentWs, SEND, { chatId: chat.id, text: 'Let me look.' });
    assert.equal(reply.data?.sendChatMessage.senderName, 'Alex Agent');
    const seen = await customerStream.next((message) => message.type === 'message' && message.message.text === 'Let me look.');
    assert.equal(seen.type === 'message' && seen.message.sender, 'AGENT');
    const customerMessage = await wsExecute(customerWs, SEND, { chatId: chat.id, text: 'Thanks', chatToken: chat.token });
    assert.ok(!customerMessage.errors, JSON.stringify(customerMessage.errors));
    const got = await agentStream.next((message) => message.type === 'message' && message.message.text === 'Thanks');
    assert.equal(got.type === 'message' && got.message.sequence, 3);

    // Stored with Prisma.
    const stored = await server.deps.db.chatMessage.findMany({ where: { chatId: chat.id }, orderBy: { sequence: 'asc' } });
    assert.deepEqual(
      stored.map((row) => [row.sequence, row.sender, row.text]),
      [
        [1, 'CUSTOMER', 'Hello, my card was declined'],
        [2, 'AGENT', 'Let me look.'],
        [3, 'CUSTOMER', 'Thanks'],
      ],
    );
    const mine = await gql<{ myChats: { id: string }[] }>(server.url, '{ myChats { id } }', {}, { cookie: agent });
    assert.ok(mine.data?.myChats.some((row) => row.id === chat.id));

    await gql(server.url, END, { chatId: chat.id, chatToken: chat.token });
    await agentStream.next((message) => message.type === 'chat' && message.event === 'ended' && message.chat.endedBy === 'CUSTOMER');
    queue.dispose();
    await agentWs.dispose();
    await customerWs.dispose();
  });

  it('lets only the chat’s customer and agent write; supervisors and API keys read (API keys never write)', async () => {
    const chat = await startChat();
    const other = await startChat();
    await accept(chat, agent);
    await send(chat, 'first');

    // The customer of another chat.
    assert.equal(errorCode(await send(chat, 'hi', { token: other.token })), 'FORBIDDEN');
    assert.equal(errorCode(await gql(server.url, CHAT, { id: chat.id, chatToken: other.token })), 'FORBIDDEN');
    assert.equal(errorCode(await gql(server.url, END, { chatId: chat.id, chatToken: other.token })), 'FORBIDDEN');
    const otherWs = wsClient(server.url);
    const peek = await wsExecute(otherWs, STREAM, { chatId: chat.id, chatToken: other.token });
    assert.equal(peek.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    await otherWs.dispose();
    // Nobody, and a made-up token.
    assert.equal(errorCode(await send(chat, 'hi', {})), 'UNAUTHENTICATED');
    assert.equal(errorCode(await send(chat, 'hi', { token: 'not-a-token' })), 'FORBIDDEN');
    // Another agent: cannot write, read or end it.
    assert.equal(errorCode(await send(chat, 'hi', { cookie: agent2 })), 'FORBIDDEN');
    assert.equal(errorCode(await gql(server.url, CHAT, { id: chat.id }, { cookie: agent2 })), 'FORBIDDEN');
    assert.equal(errorCode(await gql(server.url, END, { chatId: chat.id }, { cookie: agent2 })), 'FORBIDDEN');
    // A supervisor reads but is no participant.
    const read = await gql<{ chat: { messages: { text: string }[] } }>(server.url, CHAT, { id: chat.id }, { cookie: supervisor });
    assert.deepEqual(
      read.data?.chat.messages.map((message) => message.text),
      ['first'],
    );
    assert.equal(errorCode(await send(chat, 'hi', { cookie: supervisor })), 'FORBIDDEN');
    // Agents cannot list every chat; a supervisor and an API key can.
    assert.equal(errorCode(await gql(server.url, '{ chats { id } }', {}, { cookie: agent })), 'FORBIDDEN');
    const listed = await gql<{ chats: { id: string; messageCount: number }[] }>(
      server.url,
      '{ chats(first: 100) { id messageCount agent { name } } }',
      {},
      { apiKey },
    );
    assert.equal(listed.data?.chats.find((row) => row.id === chat.id)?.messageCount, 1);
    const viaKey = await gql<{ chat: { messages: { text: string }[] } }>(server.url, CHAT, { id: chat.id }, { apiKey });
    assert.equal(viaKey.data?.chat.messages[0]?.text, 'first');
    // Read-only: a key cannot write, accept or end, over HTTP or WebSocket.
    const keyWrite = await gql(server.url, SEND, { chatId: other.id, text: 'x' }, { apiKey });
    assert.equal(keyWrite.status, 403);
    assert.equal(errorCode(keyWrite), 'FORBIDDEN');
    const keyWs = wsClient(server.url, { apiKey });
    assert.equal((await wsExecute(keyWs, ACCEPT, { chatId: other.id })).errors?.[0]?.extensions?.code, 'FORBIDDEN');
    // …and subscribes to new chats.
    const started = wsCollect<{ id: string; status: string }>(keyWs, 'subscription{ chatStarted { id status } }', {});
    const fresh = await probeUntilLive(
      started,
      async () => {
        const chat = await startChat();
        return { made: chat, is: (value) => value.id === chat.id };
      },
      'the new-chat subscription to be live',
    );
    assert.equal((await started.next((value) => value.id === fresh.id)).status, 'QUEUED');
    started.dispose();
    // Agents may not follow that stream (it is the API's), and customers cannot see the queue.
    const agentWs = wsClient(server.url, { cookie: agent });
    assert.equal((await wsExecute(agentWs, 'subscription{ chatStarted { id } }', {})).errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const anon = wsClient(server.url);
    assert.equal((await wsExecute(anon, 'subscription{ chatQueue }', {})).errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
    await Promise.all([keyWs.dispose(), agentWs.dispose(), anon.dispose()]);
  });

  it('refuses empty and over-long messages, bursts, more than the cap, and anything after the end', async () => {
    const chat = await startChat();
    await accept(chat, agent);
    assert.equal(errorCode(await send(chat, '   ')), 'BAD_USER_INPUT');
    const long = await send(chat, 'x'.repeat(2001));
    assert.equal(errorCode(long), 'BAD_USER_INPUT');
    assert.match(long.errors?.[0]?.message ?? '', /at most 2000/);
    assert.equal(errorCode(await send(chat, 'x'.repeat(2000))), undefined);

    // Per side and chat: ten in a burst, then RATE_LIMITED with when to retry.
    for (let i = 2; i <= 10; i++) assert.equal(errorCode(await send(chat, `burst ${i}`)), undefined);
    const limited = await send(chat, 'one too many');
    assert.equal(errorCode(limited), 'RATE_LIMITED');
    assert.ok(Number((limited.errors?.[0]?.extensions as { retryAfterSeconds?: number }).retryAfterSeconds) >= 1);
    // The agent's side has its own budget.
    for (let i = 11; i <= CHAT_MAX_MESSAGES; i++) assert.equal(errorCode(await send(chat, `agent ${i}`, { cookie: agent })), undefined);
    // The chat holds CHAT_MAX_MESSAGES at most.
    const full = await send(chat, 'no room', { cookie: agent });
    assert.equal(errorCode(full), 'LIMIT_REACHED');
    assert.equal(await server.deps.db.chatMessage.count({ where: { chatId: chat.id } }), CHAT_MAX_MESSAGES);

    const ended = await gql<{ endChat: { status: string; endedBy: string } }>(server.url, END, { chatId: chat.id }, { cookie: agent });
    assert.deepEqual(ended.data?.endChat, { id: chat.id, status: 'ENDED', endedBy: 'AGENT' });
    const other = await startChat();
    await send(other, 'still fine');
    await gql(server.url, END, { chatId: other.id, chatToken: other.token });
    assert.equal(errorCode(await send(other, 'after the end')), 'CHAT_ENDED');
    assert.equal(errorCode(await accept(other, agent)), 'CHAT_ENDED');
  });

  it('starts co-browse from a chat: {start:<ID>} in the chat, the agent told to open it, or told it is busy', async () => {
    const chat = await startChat();
    await accept(chat, agent2);
    const agentWs = wsClient(server.url, { cookie: agent2 });
    const agentStream = wsCollect<ChatStreamMessage>(agentWs, STREAM, { chatId: chat.id });
    const customerWs = wsClient(server.url);
    const customerStream = wsCollect<ChatStreamMessage>(customerWs, STREAM, { chatId: chat.id, chatToken: chat.token });
    await agentStream.next((message) => message.type === 'chat');
    await customerStream.next((message) => message.type === 'chat');

    const startSession = (token: string | undefined, origin = server.url) =>
      gql<{ startSession: { session: { id: string; code: string } } }>(
        server.url,
        START_SESSION,
        { input: { url: `${server.url}/demo`, viewportWidth: 1280, viewportHeight: 800, chatToken: token } },
        { origin },
      );
    assert.equal(errorCode(await startSession('not-a-chat-token')), 'BAD_USER_INPUT');

    const first = (await startSession(chat.token)).data!.startSession.session;
    const text = `{start:${first.code}}`;
    const inAgent = await agentStream.next((message) => message.type === 'message' && message.message.text === text);
    assert.equal(inAgent.type === 'message' && inAgent.message.sender, 'SYSTEM');
    await customerStream.next((message) => message.type === 'message' && message.message.text === text);
    const told = await agentStream.next((message) => message.type === 'cobrowse-started');
    assert.deepEqual(told, { type: 'cobrowse-started', sessionId: first.id, code: first.code, agentBusy: false });
    // Only the agent is told to open it.
    assert.ok(!customerStream.values.some((message) => message.type === 'cobrowse-started'));
    const row = await server.deps.db.session.findUniqueOrThrow({ where: { id: first.id } });
    assert.equal(row.chatId, chat.id);

    // The agent joins it; a second co-browse from the chat finds the agent busy (one session at a time).
    const joined = await gql(server.url, 'mutation($c: String!){ joinSession(code: $c){ id } }', { c: first.code }, { cookie: agent2 });
    assert.ok(!joined.errors, JSON.stringify(joined.errors));
    const exit = await gql(
      server.url,
      'mutation($id: ID!){ exitSession(sessionId: $id){ status endReason } }',
      { id: first.id },
      { cookie: agent2 },
    );
    assert.equal((exit.data as { exitSession: { status: string } }).exitSession.status, 'ENDED');
    // Exiting co-browse leaves the chat open.
    assert.equal((await send(chat, 'still here?')).data?.sendChatMessage.text, 'still here?');

    const other = await startChat();
    await accept(other, agent2);
    const busyWith = (await startSession(other.token)).data!.startSession.session;
    await gql(server.url, 'mutation($c: String!){ joinSession(code: $c){ id } }', { c: busyWith.code }, { cookie: agent2 });
    const second = (await startSession(chat.token)).data!.startSession.session;
    const busy = await agentStream.next((message) => message.type === 'cobrowse-started' && message.code === second.code);
    assert.equal(busy.type === 'cobrowse-started' && busy.agentBusy, true);

    // Ending the chat ends its co-browse session at once, with reason chat-ended; not the other chat's.
    const sessionWs = wsClient(server.url, { cookie: agent2 });
    const busyStream = wsCollect<{ type: string; event?: string }>(sessionWs, 'subscription($s: ID!){ sessionStream(sessionId: $s) }', {
      s: busyWith.id,
    });
    await busyStream.next((message) => message.type === 'session');
    await gql(server.url, END, { chatId: other.id }, { cookie: agent2 });
    await busyStream.next((message) => message.type === 'session' && message.event === 'ended');
    const endedRow = await server.deps.db.session.findUniqueOrThrow({ where: { id: busyWith.id } });
    assert.deepEqual([endedRow.status, endedRow.endReason, endedRow.endedBy], ['ENDED', 'chat-ended', 'AGENT']);
    assert.equal((await server.deps.db.session.findUniqueOrThrow({ where: { id: second.id } })).status, 'WAITING');
    const user = await server.deps.db.user.findUniqueOrThrow({ where: { email: 'agent2@example.com' } });
    assert.equal(user.activeSessionId, null, 'the agent is free again');

    // Supervisors see the chat (and its messages) from the session.
    const fromSession = await gql<{ session: { chat: { id: string; messages: { text: string }[] } } }>(
      server.url,
      'query($id: ID!){ session(id: $id){ chat { id messages { text } } } }',
      { id: first.id },
      { cookie: supervisor },
    );
    assert.equal(fromSession.data?.session.chat.id, chat.id);
    assert.ok(fromSession.data?.session.chat.messages.some((message) => message.text === text));
    await gql(server.url, END, { chatId: chat.id, chatToken: chat.token });
    assert.equal((await server.deps.db.session.findUniqueOrThrow({ where: { id: second.id } })).endReason, 'chat-ended');
    busyStream.dispose();
    await Promise.all([agentWs.dispose(), customerWs.dispose(), sessionWs.dispose()]);
  });

  it('limits how many chats one address opens', async () => {
    let code: string | undefined;
    for (let i = 0; i < 25 && !code; i++) {
      code = errorCode(await gql(server.url, START_CHAT, { input: { url: `${server.url}/demo` } }, { origin: server.url }));
    }
    assert.equal(code, 'RATE_LIMITED');
  });
});
