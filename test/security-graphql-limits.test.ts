import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { getIntrospectionQuery, Kind, parse, print, specifiedRules, validate } from 'graphql';
import ts from 'typescript';
import WebSocket from 'ws';
import { createDocumentCache, MAX_CACHED_QUERY_CHARS } from '../graphql/document-cache.ts';
import { QUERY_LIMITS, queryLimitRules, queryParseOptions } from '../graphql/query-limits.ts';
import { operationCost } from '../graphql/query-cost.ts';
import { buildSchema } from '../graphql/schema/index.ts';
import { AUDIT_TIMELINE } from '../app/lib/supervision-documents.ts';
import type { StreamMessage } from '../protocol/index.ts';
import { errorCode, gql, signIn, startCustomerSession, wsClient, wsCollect, wsExecute } from './support/graphql-client.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { waitFor } from './support/wait-for.ts';

const REPO = new URL('..', import.meta.url).pathname;

/**
 * Every GraphQL document the product writes down: string and template literals in app/, widget/,
 * docs/examples/ and test/ (not the attack tests) that start like an operation, with `${…}` filled from the file's own
 * constants (fragments of field lists), plus the ```graphql blocks of docs/api.md.
 */
function productDocuments(): { where: string; text: string }[] {
  const files = execFileSync('git', ['ls-files', 'app', 'widget', 'docs/examples', 'test'], { cwd: REPO, encoding: 'utf8' })
    .split('\n')
    .filter((file) => /\.(ts|tsx)$/.test(file) && !file.startsWith('test/security-')); // attack tests send over-limit queries on purpose
  const found: { where: string; text: string }[] = [];
  for (const file of files) {
    const source = ts.createSourceFile(file, readFileSync(REPO + file, 'utf8'), ts.ScriptTarget.Latest, true);
    const constants = new Map<string, string>();
    const textOf = (node: ts.Node): string | undefined => {
      if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
      if (ts.isTemplateExpression(node)) {
        const parts = node.templateSpans.map(
          (span) => (ts.isIdentifier(span.expression) ? constants.get(span.expression.text) : undefined) ?? '__typename',
        );
        return node.head.text + node.templateSpans.map((span, i) => ` ${parts[i]} ${span.literal.text}`).join('');
      }
      if (ts.isTaggedTemplateExpression(node)) return textOf(node.template);
      return undefined;
    };
    const visit = (node: ts.Node) => {
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) {
        const text = textOf(node.initializer);
        if (text !== undefined) constants.set(node.name.text, text);
      }
      const text = ts.isTaggedTemplateExpression(node.parent ?? node) ? undefined : textOf(node);
      if (text && /^\s*(query|mutation|subscription)\b|^\s*\{\s*\w/.test(text)) found.push({ where: file, text });
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  const api = readFileSync(REPO + 'docs/api.md', 'utf8');
  for (const block of api.matchAll(/```graphql\n([\s\S]*?)```/g)) found.push({ where: 'docs/api.md', text: block[1]! });
  return found;
}

const LIMIT_CODES = new Set(['QUERY_TOO_LARGE', 'QUERY_TOO_COMPLEX']);

/** Queries that each break one limit and nothing else. */
const tooLong = `{ health }\n#${'x'.repeat(QUERY_LIMITS.maxChars)}`;
const tooManyTokens = `{ ${'health '.repeat(QUERY_LIMITS.maxTokens)}}`;
const tooDeep = `{ ${'... on Query { '.repeat(QUERY_LIMITS.maxDepth + 1)}health${' }'.repeat(QUERY_LIMITS.maxDepth + 1)} }`;
const tooManyAliases = `{ ${Array.from({ length: QUERY_LIMITS.maxAliases + 1 }, (_, i) => `a${i}: health`).join(' ')} }`;
const tooCostly = `{ sessionHistory(first: 5000) { nodes { id code status url agent { id name email role } } } }`;

const ATTACKS: [string, string, string][] = [
  ['a query text over the size limit', tooLong, 'QUERY_TOO_LARGE'],
  ['a query with too many tokens', tooManyTokens, 'QUERY_TOO_LARGE'],
  ['a query nested too deep', tooDeep, 'QUERY_TOO_COMPLEX'],
  ['a query with too many aliases', tooManyAliases, 'QUERY_TOO_COMPLEX'],
  ['a query over the cost limit', tooCostly, 'QUERY_TOO_COMPLEX'],
];

describe('GraphQL document limits', () => {
  let server: TestServer;
  let url: string;

  before(async () => {
    server = await startTestServer();
    url = server.url;
  });
  after(() => server.close());

  it('the attack queries are otherwise valid, so only the limit refuses them', () => {
    const schema = buildSchema();
    for (const [name, query] of ATTACKS.slice(2)) assert.deepEqual(validate(schema, parse(query)), [], name);
    assert.ok(tooLong.length > QUERY_LIMITS.maxChars && validate(schema, parse(tooLong)).length === 0);
    assert.ok(tooManyTokens.length < QUERY_LIMITS.maxChars, 'over the token limit while under the size limit');
  });

  for (const [name, query, code] of ATTACKS) {
    it(`refuses ${name} with ${code} over HTTP and WebSocket`, async () => {
      const overHttp = await gql(url, query);
      assert.equal(errorCode(overHttp), code, JSON.stringify(overHttp.errors));
      assert.ok(overHttp.status === 400 || overHttp.status === 413, `status ${overHttp.status}`);
      assert.equal(overHttp.data, undefined);

      const client = wsClient(url);
      const overWs = await wsExecute(client, query, {});
      assert.equal(overWs.errors?.[0]?.extensions?.code, code, JSON.stringify(overWs.errors));
      // The socket stays usable after a refused document.
      assert.deepEqual(await wsExecute(client, '{ health }', {}), { data: { health: 'ok' } });
      await client.dispose();
    });
  }

  it('lets every operation the product itself sends through the limits', () => {
    const schema = buildSchema();
    const rules = [...specifiedRules, ...queryLimitRules()];
    const documents = productDocuments();
    assert.ok(documents.length > 60, `found only ${documents.length} documents`);
    let costliest = 0;
    for (const { where, text } of documents) {
      let document;
      try {
        document = parse(text, queryParseOptions);
      } catch (error) {
        assert.doesNotMatch(String(error), /tokens/, `${where}: ${text}`);
        continue; // a deliberately broken query in a test
      }
      const refused = validate(schema, document, rules).filter((error) => LIMIT_CODES.has(String(error.extensions.code)));
      assert.deepEqual(refused, [], `${where}: ${text.replace(/\s+/g, ' ')}`);
      // Costed as sent at their largest: every Int variable (a page size) at the 200 the pages use at most.
      const pages = Object.fromEntries(
        document.definitions.flatMap((definition) =>
          definition.kind === Kind.OPERATION_DEFINITION
            ? (definition.variableDefinitions ?? []).filter((v) => /\bInt\b/.test(print(v.type))).map((v) => [v.variable.name.value, 200])
            : [],
        ),
      );
      for (const definition of document.definitions) {
        if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
        const cost = operationCost(schema, document, definition.name?.value, pages);
        assert.ok(cost <= QUERY_LIMITS.maxCost, `${where}: costs ${cost}: ${text.replace(/\s+/g, ' ')}`);
        costliest = Math.max(costliest, cost);
      }
    }
    assert.ok(costliest > QUERY_LIMITS.maxCost / 5, `the count sees the pages (costliest ${costliest})`);
  });

  it('caches only short documents, so distinct large ones cannot fill memory', () => {
    const documentFor = createDocumentCache(buildSchema());
    const short = '{ health }';
    assert.equal(documentFor(short), documentFor(short), 'a short document is parsed once');
    const long = `{ health }\n#${'x'.repeat(MAX_CACHED_QUERY_CHARS)}`;
    const first = documentFor(long);
    assert.ok(!Array.isArray(first), 'a long document within the limits still runs');
    assert.notEqual(documentFor(long), first, 'but is not kept');
  });

  it('keeps introspection working over HTTP and WebSocket', async () => {
    const query = getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      inputValueDeprecation: true,
    });
    const overHttp = await gql<{ __schema: { types: unknown[] } }>(url, query);
    assert.equal(overHttp.errors, undefined, JSON.stringify(overHttp.errors));
    assert.ok(overHttp.data!.__schema.types.length > 20);
    const client = wsClient(url);
    const overWs = await wsExecute<{ __schema: { types: unknown[] } }>(client, query, {});
    assert.equal(overWs.errors, undefined, JSON.stringify(overWs.errors));
    assert.equal(overWs.data!.__schema.types.length, overHttp.data!.__schema.types.length);
    await client.dispose();
  });

  it('runs the costliest product operation (the supervisor audit timeline) and the widget stream', async () => {
    // The document as the page sends it: generated, with the fragments it spreads.
    const timeline = print(AUDIT_TIMELINE);
    const session = await startCustomerSession(url);
    const supervisor = await signIn(url, 'supervisor@example.com');
    const read = await gql(url, timeline, { sessionId: session.id }, { cookie: supervisor });
    assert.equal(read.errors, undefined, JSON.stringify(read.errors));

    const customer = wsClient(url, { customerToken: session.customerToken });
    const sent = await wsExecute(customer, 'mutation($sessionId: ID!, $batch: JSON!){ sendEvents(sessionId:$sessionId, batch:$batch) }', {
      sessionId: session.id,
      batch: { seq: 1, sentAt: Date.now(), events: [{ type: 4, data: { href: url, width: 10, height: 10 }, timestamp: Date.now() }] },
    });
    assert.deepEqual(sent, { data: { sendEvents: true } });
    await customer.dispose();
  });
  it('refuses a GET query over the size limit, and a body over the batch limit, with a GraphQL-shaped error', async () => {
    const get = await fetch(`${url}/api/graphql?query=${encodeURIComponent(tooLong)}`, { headers: { 'apollo-require-preflight': '1' } });
    assert.equal(get.status, 413);
    assert.equal(((await get.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code, 'QUERY_TOO_LARGE');

    const huge = JSON.stringify({ query: '{ health }', variables: { pad: 'x'.repeat(5 * 1024 * 1024) } });
    const body = await fetch(`${url}/api/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: huge });
    assert.equal(body.status, 413);
    assert.equal(((await body.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code, 'QUERY_TOO_LARGE');
  });
});

describe('WebSocket connection limits', () => {
  let server: TestServer;
  let url: string;

  before(async () => {
    server = await startTestServer({ config: { maxSubscriptionsPerSocket: 20, maxSocketsPerAddress: 3 } });
    url = server.url;
  });
  after(() => server.close());

  it('caps subscriptions per socket with TOO_MANY_SUBSCRIPTIONS, and frees a slot when one ends', async () => {
    const cookie = await signIn(url, 'supervisor@example.com');
    const client = wsClient(url, { cookie });
    const errors: unknown[] = [];
    const live = Array.from({ length: 20 }, () =>
      client.subscribe(
        { query: 'subscription { sessionLifecycle }' },
        { next: () => {}, error: (error) => errors.push(error), complete: () => {} },
      ),
    );
    const refused = await wsExecute(client, 'subscription { sessionLifecycle }', {});
    assert.equal(refused.errors?.[0]?.extensions?.code, 'TOO_MANY_SUBSCRIPTIONS');
    assert.deepEqual(errors, [], 'the twenty before it are live');
    // Queries and mutations on the same socket are not subscriptions and still run.
    assert.deepEqual(await wsExecute(client, '{ health }', {}), { data: { health: 'ok' } });

    live[0]!();
    // The slot is free once the server has seen that subscription end: a new one is admitted there,
    // as it shows by hearing a session start (one refused before that is tried again).
    let again = wsCollect<StreamMessage>(client, 'subscription { sessionLifecycle }', {});
    await waitFor(async () => {
      if (again.failure) again = wsCollect<StreamMessage>(client, 'subscription { sessionLifecycle }', {});
      const { id } = await startCustomerSession(url);
      const heard = () => again.values.some((message) => message.type === 'session' && message.session.id === id);
      return waitFor(() => again.failure !== undefined || heard(), 'an answer', 1000).then(heard, () => false);
    }, 'a slot freed by an ended subscription to be reusable');
    again.dispose();
    for (const dispose of live) dispose();
    await client.dispose();
  });

  it('refuses a fourth socket from one address with HTTP 429 while three are open', async () => {
    const wsUrl = `${url.replace(/^http/, 'ws')}/api/graphql`;
    const open = (): Promise<WebSocket> =>
      new Promise((resolve, reject) => {
        const socket = new WebSocket(wsUrl, 'graphql-transport-ws', { headers: { origin: url } });
        socket.once('open', () => resolve(socket));
        socket.once('unexpected-response', (_request, response) => reject(new Error(`status ${response.statusCode}`)));
        socket.once('error', reject);
      });
    const sockets = [await open(), await open(), await open()];
    await assert.rejects(open(), /status 429/);
    sockets[0]!.close();
    await new Promise((resolve) => sockets[0]!.once('close', resolve));
    // Admitted again once the server has counted the close (refused until then).
    sockets[0] = await waitFor(() => open(), 'a socket in place of the closed one');
    for (const socket of sockets) socket.close();
  });
});

/** Nested lists whose pages come from variables: cheap with small pages, far over the limit with large ones. */
const NESTED_BY_VARIABLE = `query Nested($n: Int) {
  sessionHistory(first: $n) { nodes { id auditEvents(first: $n) { type data } chat { sessions(first: $n) { id } } } }
}`;
/** The same lists with no page given: each counts the default page the server would send. */
const NESTED_BY_DEFAULT = `{ sessionHistory(first: 200) { nodes { id auditEvents { type data } chat { id sessions { id auditEvents { type } } } } } }`;

describe('GraphQL cost counted on the variables sent', () => {
  let server: TestServer;
  let url: string;
  let supervisor: string;

  before(async () => {
    server = await startTestServer();
    url = server.url;
    supervisor = await signIn(url, 'supervisor@example.com');
  });
  after(() => server.close());

  it('counts first: $n as the page it asks for, over HTTP and WebSocket alike', async () => {
    const schema = buildSchema();
    assert.ok(operationCost(schema, parse(NESTED_BY_VARIABLE), null, { n: 2 }) <= QUERY_LIMITS.maxCost);
    assert.ok(operationCost(schema, parse(NESTED_BY_VARIABLE), null, { n: 200 }) > QUERY_LIMITS.maxCost);
    // The literal and the variable cost the same.
    const literal = NESTED_BY_VARIABLE.replace('query Nested($n: Int)', '').replaceAll('$n', '200');
    assert.equal(operationCost(schema, parse(literal), null, {}), operationCost(schema, parse(NESTED_BY_VARIABLE), null, { n: 200 }));

    const small = await gql(url, NESTED_BY_VARIABLE, { n: 2 }, { cookie: supervisor });
    assert.equal(small.errors, undefined, JSON.stringify(small.errors));
    const large = await gql(url, NESTED_BY_VARIABLE, { n: 200 }, { cookie: supervisor });
    assert.equal(errorCode(large), 'QUERY_TOO_COMPLEX', JSON.stringify(large.errors));
    assert.equal(large.status, 400);
    assert.match(large.errors?.[0]?.message ?? '', /costs \d+, over the limit of 10000/);
    assert.equal(large.data, undefined, 'nothing ran');

    const client = wsClient(url, { cookie: supervisor });
    const overWs = await wsExecute(client, NESTED_BY_VARIABLE, { n: 200 });
    assert.equal(overWs.errors?.[0]?.extensions?.code, 'QUERY_TOO_COMPLEX', JSON.stringify(overWs.errors));
    assert.equal(overWs.data, undefined);
    const smallWs = await wsExecute(client, NESTED_BY_VARIABLE, { n: 2 });
    assert.equal(smallWs.errors, undefined, JSON.stringify(smallWs.errors));
    await client.dispose();
  });

  it('counts a list left without first at its default page, and the schema default of a variable', async () => {
    const overHttp = await gql(url, NESTED_BY_DEFAULT, {}, { cookie: supervisor });
    assert.equal(errorCode(overHttp), 'QUERY_TOO_COMPLEX', JSON.stringify(overHttp.errors));
    const withDefault = 'query($n: Int = 200) { sessionHistory(first: $n) { nodes { id auditEvents(first: $n) { type } } } }';
    assert.equal(errorCode(await gql(url, withDefault, {}, { cookie: supervisor })), 'QUERY_TOO_COMPLEX');
    const client = wsClient(url, { cookie: supervisor });
    assert.equal((await wsExecute(client, NESTED_BY_DEFAULT, {})).errors?.[0]?.extensions?.code, 'QUERY_TOO_COMPLEX');
    assert.equal((await wsExecute(client, withDefault, {})).errors?.[0]?.extensions?.code, 'QUERY_TOO_COMPLEX');
    await client.dispose();
  });

  it('counts fragments once each, so spreads of spreads cannot make the count itself slow', () => {
    // Ten fragments, each spreading the next ten times: 10^10 fields if expanded, counted in linear time.
    const fragments = Array.from({ length: 10 }, (_, i) =>
      i === 9
        ? `fragment F${i} on Query { health }`
        : `fragment F${i} on Query { ${Array.from({ length: 10 }, () => `...F${i + 1}`).join(' ')} }`,
    ).join('\n');
    const started = performance.now();
    const cost = operationCost(buildSchema(), parse(`{ ...F0 }\n${fragments}`), null, {});
    assert.ok(performance.now() - started < 1000);
    assert.ok(cost >= 1);
  });
});

/** Each paged list at its largest page (refused one over it), with the smallest selection. */
const MAX_PAGES: {
  name: string;
  max: number;
  query: (first: number) => string;
  variables?: (ids: Ids) => Record<string, unknown>;
  caller?: 'agent';
}[] = [
  { name: 'sessions', max: 200, query: (n) => `{ sessions(limit: ${n}) { id } }` },
  { name: 'sessionHistory', max: 200, query: (n) => `{ sessionHistory(first: ${n}) { nodes { id } } }` },
  {
    name: 'auditEvents',
    max: 200,
    query: (n) => `query($s: ID!) { auditEvents(sessionId: $s, first: ${n}) { nodes { sequence } } }`,
    variables: (ids) => ({ s: ids.session }),
  },
  {
    name: 'Session.auditEvents',
    max: 500,
    query: (n) => `query($s: ID!) { session(id: $s) { auditEvents(first: ${n}) { sequence } } }`,
    variables: (ids) => ({ s: ids.session }),
  },
  {
    name: 'Session.recording',
    max: 20,
    query: (n) => `query($s: ID!) { session(id: $s) { recording(first: ${n}) { available } } }`,
    variables: (ids) => ({ s: ids.session }),
  },
  { name: 'agents', max: 500, query: (n) => `{ agents(first: ${n}) { id } }` },
  { name: 'users', max: 500, query: (n) => `{ users(first: ${n}) { id } }` },
  {
    name: 'webhookDeliveries',
    max: 200,
    query: (n) => `query($e: ID!) { webhookDeliveries(endpointId: $e, first: ${n}) { id } }`,
    variables: () => ({ e: 'no-such-endpoint' }),
  },
  { name: 'apiKeys', max: 200, query: (n) => `{ apiKeys(first: ${n}) { id } }` },
  { name: 'myChats', max: 200, query: (n) => `{ myChats(first: ${n}) { id } }`, caller: 'agent' },
  { name: 'chats', max: 200, query: (n) => `{ chats(first: ${n}) { id } }` },
  {
    name: 'Chat.sessions',
    max: 100,
    query: (n) => `query($c: ID!) { chat(id: $c) { sessions(first: ${n}) { id } } }`,
    variables: (ids) => ({ c: ids.chat }),
  },
  {
    name: 'Chat.messages',
    max: 500,
    query: (n) => `query($c: ID!) { chat(id: $c) { messages(first: ${n}) { id } } }`,
    variables: (ids) => ({ c: ids.chat }),
  },
];

interface Ids {
  session: string;
  customerToken: string;
  chat: string;
}

describe('Every list that can grow is paged', () => {
  let server: TestServer;
  let url: string;
  let admin: string;
  let agent: string;
  let ids: Ids;

  before(async () => {
    server = await startTestServer();
    url = server.url;
    admin = await signIn(url, 'admin@example.com');
    agent = await signIn(url, 'agent@example.com');
    const session = await startCustomerSession(url);
    const chat = await gql<{ startChat: { chat: { id: string } } }>(
      url,
      'mutation($u: String!) { startChat(input: { url: $u }) { chat { id } } }',
      { u: `${url}/demo` },
      { origin: url },
    );
    assert.equal(chat.errors, undefined, JSON.stringify(chat.errors));
    ids = { session: session.id, customerToken: session.customerToken, chat: chat.data!.startChat.chat.id };
  });
  after(() => server.close());

  for (const list of MAX_PAGES) {
    it(`${list.name}: answers its largest page (${list.max}) and refuses one more, naming the range`, async () => {
      const variables = list.variables?.(ids) ?? {};
      const cookie = list.caller === 'agent' ? agent : admin;
      const largest = await gql(url, list.query(list.max), variables, { cookie });
      assert.equal(largest.errors, undefined, JSON.stringify(largest.errors));
      const over = await gql(url, list.query(list.max + 1), variables, { cookie });
      assert.ok(['BAD_USER_INPUT', 'QUERY_TOO_COMPLEX'].includes(String(errorCode(over))), JSON.stringify(over.errors));
      assert.match(over.errors?.[0]?.message ?? '', new RegExp(`${list.max}|limit`));
    });
  }

  it('pages a session’s audit events, chats, users, agents and API keys without skipping or repeating', async () => {
    // Three of each: a session with three audit events, three chats, three keys; the seeded agents.
    const ended = await gql(
      url,
      'mutation($id: ID!){ exitSession(sessionId: $id) { id } }',
      { id: ids.session },
      { customerToken: ids.customerToken },
    );
    assert.equal(ended.errors, undefined, JSON.stringify(ended.errors));
    for (const name of ['k1', 'k2', 'k3'])
      await gql(url, 'mutation($name: String!){ createApiKey(name: $name){ key } }', { name }, { cookie: admin });
    for (let i = 0; i < 2; i++)
      await gql(url, 'mutation($u: String!) { startChat(input: { url: $u }) { chat { id } } }', { u: `${url}/demo` }, { origin: url });

    const walk = async (query: string, pick: (data: Record<string, unknown>) => { id: string }[], variables = {}) => {
      const seen: string[] = [];
      let after: string | null = null;
      for (;;) {
        const page: { data?: Record<string, unknown>; errors?: unknown } = await gql(
          url,
          query,
          { ...variables, after },
          { cookie: admin },
        );
        assert.equal(page.errors, undefined, JSON.stringify(page.errors));
        const items = pick(page.data!);
        if (items.length === 0) return seen;
        seen.push(...items.map((item) => item.id));
        after = items.at(-1)!.id;
      }
    };
    const chats = await walk('query($after: ID){ chats(first: 1, after: $after) { id } }', (d) => d.chats as { id: string }[]);
    assert.equal(chats.length, 3);
    assert.equal(new Set(chats).size, 3);
    const keys = await walk('query($after: ID){ apiKeys(first: 1, after: $after) { id } }', (d) => d.apiKeys as { id: string }[]);
    assert.equal(new Set(keys).size, 3);
    const users = await walk('query($after: ID){ users(first: 1, after: $after) { id } }', (d) => d.users as { id: string }[]);
    assert.equal(new Set(users).size, await server.deps.db.user.count());
    const agents = await walk('query($after: ID){ agents(first: 1, after: $after) { id } }', (d) => d.agents as { id: string }[]);
    const everyAgent = await gql<{ agents: { id: string }[] }>(url, '{ agents { id } }', {}, { cookie: admin });
    assert.deepEqual(
      agents,
      everyAgent.data!.agents.map((agent) => agent.id),
    );

    const events: number[] = [];
    let afterSequence = 0;
    for (;;) {
      const page = await gql<{ session: { auditEvents: { sequence: number }[] } }>(
        url,
        'query($s: ID!, $a: Int){ session(id: $s) { auditEvents(first: 1, afterSequence: $a) { sequence } } }',
        { s: ids.session, a: afterSequence },
        { cookie: admin },
      );
      const [event] = page.data!.session.auditEvents;
      if (!event) break;
      events.push(event.sequence);
      afterSequence = event.sequence;
    }
    assert.ok(events.length >= 2, `events ${events}`);
    assert.deepEqual(
      events,
      [...events].sort((a, b) => a - b),
    );
    assert.equal(new Set(events).size, events.length);
  });
});

describe('GraphQL response size cap', () => {
  let server: TestServer;
  let url: string;
  const cap = 20_000;

  before(async () => {
    server = await startTestServer({ config: { graphqlMaxResponseBytes: cap } });
    url = server.url;
  });
  after(() => server.close());

  it('answers RESPONSE_TOO_LARGE (HTTP 413) past the cap over HTTP and WebSocket, and smaller answers as usual', async () => {
    const query = getIntrospectionQuery({ descriptions: true });
    const overHttp = await gql(url, query);
    assert.equal(errorCode(overHttp), 'RESPONSE_TOO_LARGE', JSON.stringify(overHttp.errors));
    assert.equal(overHttp.status, 413);
    assert.match(overHttp.errors?.[0]?.message ?? '', new RegExp(`larger than ${cap} bytes`));
    assert.equal(overHttp.data, undefined);
    assert.deepEqual((await gql(url, '{ health }')).data, { health: 'ok' });

    const client = wsClient(url);
    const overWs = await wsExecute(client, query, {});
    assert.equal(overWs.errors?.[0]?.extensions?.code, 'RESPONSE_TOO_LARGE', JSON.stringify(overWs.errors));
    assert.equal(overWs.data, undefined);
    assert.deepEqual(await wsExecute(client, '{ health }', {}), { data: { health: 'ok' } });
    await client.dispose();
  });
});
