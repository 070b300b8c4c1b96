import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { getIntrospectionQuery, parse, print, specifiedRules, validate } from 'graphql';
import ts from 'typescript';
import WebSocket from 'ws';
import { createDocumentCache, MAX_CACHED_QUERY_CHARS } from '../graphql/document-cache.ts';
import { QUERY_LIMITS, queryLimitRules, queryParseOptions } from '../graphql/query-limits.ts';
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
    }
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
