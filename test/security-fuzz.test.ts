import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLOutputType,
} from 'graphql';
import WebSocket from 'ws';
import { buildSchema } from '../graphql/schema/index.ts';
import type { StreamMessage } from '../protocol/index.ts';
import { AUTH_COOKIE } from '../server/auth/auth-sessions.ts';
import {
  httpGraphQL,
  wsConnect,
  wsFirst,
  type GraphQLBody,
  type HttpAnswer,
  type Identity,
  type WsAnswer,
} from './support/attack-clients.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

/**
 * Tests that attack: property-based fuzzing of one running server over HTTP and
 * WebSocket — random operations built from the schema, malformed bodies, oversized and deeply
 * nested input, arbitrary event batches and agent signals, garbage WebSocket frames — while a
 * legitimate session keeps co-browsing. Every answer must be well-formed; afterwards the server
 * still answers, the legitimate agent got every batch in order, memory stayed bounded, and the
 * legitimate session's audit trail holds every row it should, chain intact.
 *
 * Reproduce a failure with the seed it prints: FUZZ_SEED=<seed> node --import tsx --test test/security-fuzz.test.ts
 */

const SEED = Number(process.env.FUZZ_SEED ?? 20261125);
const PASSWORD = 'cobrowse-demo';
/** Heap the server may keep after all the runs, once garbage is collected. */
const HEAP_GROWTH_LIMIT_BYTES = 150 * 1024 * 1024;
/** A string over every request-size limit (4 MB batches). */
const OVERSIZED = 'x'.repeat(5 * 1024 * 1024);

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const SEND_EVENTS = 'mutation($id: ID!, $batch: JSON!){ sendEvents(sessionId: $id, batch: $batch) }';
const SEND_SIGNAL = 'mutation($id: ID!, $signal: JSON!){ sendSignal(sessionId: $id, signal: $signal) }';

/** A stack frame, a source path or a database message in an answer: internals leaking out. */
const INTERNALS = /\n\s+at [\w.<]|node_modules|\/work\/|\.ts:\d+:\d+|PrismaClient|SQLITE_|Invalid `prisma/;

/** What is wrong with one HTTP answer (nothing, for a well-formed one). */
function httpProblems(status: number, text: string, json: GraphQLBody | null): string[] {
  const problems: string[] = [];
  if (status >= 500) problems.push(`HTTP ${status}`);
  if (json === null) problems.push(`not JSON (${status}): ${text.slice(0, 120)}`);
  else problems.push(...bodyProblems(json));
  if (INTERNALS.test(text)) problems.push(`internals in the answer: ${text.slice(0, 300)}`);
  return problems;
}

function bodyProblems(body: GraphQLBody): string[] {
  const problems: string[] = [];
  if (body.errors !== undefined && !Array.isArray(body.errors)) problems.push('errors is not a list');
  for (const error of body.errors ?? []) {
    const code = error.extensions?.code;
    if (typeof error.message !== 'string') problems.push('an error without a message');
    if (typeof code !== 'string') problems.push(`an error without extensions.code: ${error.message}`);
    if (code === 'INTERNAL_SERVER_ERROR') problems.push(`server error: ${JSON.stringify(error).slice(0, 300)}`);
  }
  return problems;
}

/** What is wrong with one WebSocket answer; `quietIsFine` for subscriptions, which may say nothing. */
function wsProblems(answer: WsAnswer, quietIsFine: boolean): string[] {
  switch (answer.kind) {
    case 'next':
    case 'error': {
      const text = JSON.stringify(answer.body);
      return [...bodyProblems(answer.body), ...(INTERNALS.test(text) ? [`internals: ${text.slice(0, 300)}`] : [])];
    }
    case 'complete':
      return [];
    case 'closed':
      // 4500 is graphql-ws's "internal error"; 1011 the WebSocket one. Everything else is the server refusing.
      return answer.closeCode === 4500 || answer.closeCode === 1011 || INTERNALS.test(answer.reason)
        ? [`socket closed ${answer.closeCode}: ${answer.reason}`]
        : [];
    case 'timeout':
      return quietIsFine ? [] : ['no answer to a query or mutation'];
  }
}

// ----- arbitraries built from the schema -------------------------------------------------------

const schema = buildSchema();
type OperationKind = 'query' | 'mutation' | 'subscription';
const OPERATIONS: { kind: OperationKind; field: GraphQLField<unknown, unknown> }[] = (
  [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
    ['subscription', schema.getSubscriptionType()],
  ] as const
).flatMap(([kind, type]) => (type ? Object.values(type.getFields()).map((field) => ({ kind, field })) : []));

/** Values an attacker would try in a string: injections, paths, control characters, huge. */
const NASTY_STRINGS = [
  '',
  ' ',
  "' OR 1=1 --",
  '"; DROP TABLE "Session"; --',
  '<script>alert(1)</script>',
  'javascript:alert(1)',
  '../../../../etc/passwd',
  '\u0000',
  '\ud800',
  '%00%0d%0a',
  '{{7*7}}',
  '__proto__',
  'constructor',
  'a'.repeat(70_000),
  '😀'.repeat(2000),
];

interface Targets {
  /** Ids and codes worth aiming at: the legitimate session, the attacker's, random ones. */
  ids: string[];
  codes: string[];
}

/** Built once per set of targets: building a unicode string arbitrary costs tens of milliseconds. */
const stringArbs = new WeakMap<Targets, fc.Arbitrary<string>>();

function stringArb(targets: Targets): fc.Arbitrary<string> {
  const known = stringArbs.get(targets);
  if (known) return known;
  const made = fc.oneof(
    { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
    { weight: 3, arbitrary: fc.constantFrom(...targets.ids, ...targets.codes) },
    { weight: 1, arbitrary: fc.constant(OVERSIZED) },
  );
  stringArbs.set(targets, made);
  return made;
}

/** JSON text nested deeper than a recursive parser survives, built as text (JSON.stringify would overflow). */
const deepJsonText = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

/** JSON with a deep spine, for parsers and serializers that recurse. */
const deeplyNested = (depth: number, kind: 'array' | 'object'): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = kind === 'array' ? [value] : { a: value };
  return value;
};

function jsonArb(): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
    { weight: 1, arbitrary: fc.constantFrom(deeplyNested(2000, 'array'), deeplyNested(2000, 'object')) },
    { weight: 1, arbitrary: fc.constant({ __proto__: { polluted: true }, constructor: { prototype: { polluted: true } } }) },
  );
}

function scalarArb(name: string, targets: Targets): fc.Arbitrary<unknown> {
  switch (name) {
    case 'Int':
      return fc.oneof(fc.integer({ min: -5, max: 300 }), fc.integer(), fc.constantFrom(2 ** 31, -(2 ** 53), 1e300, 0.5));
    case 'Float':
      return fc.oneof(fc.double(), fc.constantFrom(1e308, -0));
    case 'Boolean':
      return fc.boolean();
    case 'JSON':
      return jsonArb();
    case 'DateTime':
      return fc.oneof(
        fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
        stringArb(targets),
      );
    default:
      return stringArb(targets); // String, ID
  }
}

/** A value for an argument of this type — usually of the type, sometimes not, sometimes missing. */
function valueArb(type: GraphQLInputType, targets: Targets, depth = 0): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) {
    return fc.oneof({ weight: 12, arbitrary: valueArb(type.ofType, targets, depth) }, { weight: 1, arbitrary: fc.constant(null) });
  }
  let typed: fc.Arbitrary<unknown>;
  if (isListType(type)) typed = depth > 2 ? fc.constant([]) : fc.array(valueArb(type.ofType, targets, depth + 1), { maxLength: 4 });
  else if (isEnumType(type))
    typed = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...type.getValues().map((value) => value.name)) },
      { weight: 1, arbitrary: stringArb(targets) },
    );
  else if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields());
    typed =
      depth > 2
        ? fc.constant({})
        : fc.record(Object.fromEntries(fields.map((field) => [field.name, valueArb(field.type, targets, depth + 1)])), {
            requiredKeys: [],
          });
  } else typed = scalarArb(type.name, targets);
  return fc.oneof(
    { weight: 10, arbitrary: typed },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) },
  );
}

/** A selection set for a return type: a few leaf fields, sometimes one nested object, often __typename. */
function selectionArb(type: GraphQLOutputType, depth = 0): fc.Arbitrary<string> {
  const named = getNamedType(type);
  if (!isObjectType(named)) return fc.constant('');
  const fields = Object.values(named.getFields()).filter((field) => field.args.every((arg) => !isNonNullType(arg.type)));
  const leaves = fields.filter((field) => isLeafType(getNamedType(field.type))).map((field) => field.name);
  const objects = depth < 2 ? fields.filter((field) => isObjectType(getNamedType(field.type))) : [];
  const nested =
    objects.length === 0
      ? fc.constant('')
      : fc.option(
          fc.constantFrom(...objects).chain((field) => selectionArb(field.type, depth + 1).map((inner) => `${field.name} ${inner}`)),
          { nil: '' },
        );
  return fc
    .tuple(fc.subarray(leaves, { minLength: leaves.length > 0 ? 1 : 0, maxLength: Math.min(3, leaves.length) }), nested)
    .map(([picked, inner]) => `{ __typename ${picked.join(' ')} ${inner} }`);
}

/** A GraphQL literal for a value (inline arguments); odd values make odd literals, which is the point. */
function literal(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (typeof value === 'object')
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([key, inner]) => `${key}: ${literal(inner)}`)
      .join(', ')}}`;
  return '"?"';
}

interface Request {
  kind: OperationKind;
  query: string;
  variables: Record<string, unknown>;
}

/** A random operation of the schema with random arguments, as variables or inline. */
function operationArb(targets: Targets): fc.Arbitrary<Request> {
  return fc.constantFrom(...OPERATIONS).chain(({ kind, field }) =>
    fc
      .tuple(
        fc.tuple(...field.args.map((arg) => valueArb(arg.type, targets))).map((values) => values as unknown[]),
        selectionArb(field.type),
        fc.boolean(),
      )
      .map(([values, selection, inline]): Request => {
        const given = field.args.map((arg, i) => ({ arg, value: values[i] })).filter(({ value }) => value !== undefined);
        const definitions =
          inline || given.length === 0 ? '' : `(${given.map(({ arg }) => `$${arg.name}: ${String(arg.type)}`).join(', ')})`;
        const args =
          given.length === 0
            ? ''
            : `(${given.map(({ arg, value }) => `${arg.name}: ${inline ? literal(value) : `$${arg.name}`}`).join(', ')})`;
        const variables = inline ? {} : Object.fromEntries(given.map(({ arg, value }) => [arg.name, value]));
        return { kind, query: `${kind} Fuzz${definitions} { ${field.name}${args} ${selection} }`, variables };
      }),
  );
}

/** Documents that hit the parser and the depth, alias and size limits. */
const hostileDocumentArb: fc.Arbitrary<Request> = fc.oneof(
  fc.integer({ min: 1, max: 400 }).map((depth) => ({
    kind: 'query' as const,
    query: `query Deep($id: ID!) { chat(id: $id) ${'{ sessions { chat '.repeat(depth)}{ id }${' } }'.repeat(depth)} }`,
    variables: { id: randomUUID() },
  })),
  fc.integer({ min: 1, max: 5000 }).map((count) => ({
    kind: 'query' as const,
    query: `{ ${Array.from({ length: count }, (_unused, i) => `a${i}: health`).join(' ')} }`,
    variables: {},
  })),
  fc.integer({ min: 1, max: 100_000 }).map((depth) => ({ kind: 'query' as const, query: '{'.repeat(depth), variables: {} })),
  fc.constantFrom(
    { kind: 'query' as const, query: 'fragment A on Query { ...B } fragment B on Query { ...A } { ...A }', variables: {} },
    { kind: 'query' as const, query: '{ __schema { types { fields { type { ofType { ofType { name } } } } } } }', variables: {} },
    { kind: 'query' as const, query: `{ health } ${'#'.repeat(200_000)}`, variables: {} },
    { kind: 'query' as const, query: 'query { health } mutation { signOut }', variables: {} },
  ),
  fc.string({ maxLength: 200 }).map((query) => ({ kind: 'query' as const, query, variables: {} })),
);

/** Event batches: near-valid, wrong-typed, oversized, deep. */
function batchArb(): fc.Arbitrary<unknown> {
  const event = fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record(
        { type: fc.integer({ min: -2, max: 102 }), data: jsonArb(), timestamp: fc.oneof(fc.double(), fc.nat()) },
        { requiredKeys: [] },
      ),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        type: fc.constant(3),
        data: fc.jsonValue({ maxDepth: 3 }),
        timestamp: fc.nat(),
        extra: fc.anything({ maxDepth: 1 }),
      }),
    },
    { weight: 1, arbitrary: fc.constant({ type: 2, data: { node: deeplyNested(2000, 'object') }, timestamp: 1 }) },
    { weight: 1, arbitrary: fc.constant({ type: 4, data: { href: 'javascript:alert(1)' }, timestamp: 1 }) },
    { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) },
  );
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record(
        {
          seq: fc.oneof(fc.nat(), fc.integer(), fc.double(), fc.string()),
          sentAt: fc.oneof(fc.double(), fc.nat()),
          events: fc.array(event, { maxLength: 20 }),
        },
        { requiredKeys: [] },
      ),
    },
    {
      weight: 1,
      arbitrary: fc.constant({ seq: 1, sentAt: 1, events: Array.from({ length: 5001 }, () => ({ type: 3, data: {}, timestamp: 1 })) }),
    },
    { weight: 1, arbitrary: fc.constant({ seq: 1, sentAt: 1, events: [{ type: 3, data: { text: OVERSIZED }, timestamp: 1 }] }) },
    { weight: 1, arbitrary: fc.anything({ maxDepth: 3 }) },
  );
}

function signalArb(): fc.Arbitrary<unknown> {
  const target = fc.record(
    { x: fc.oneof(fc.double(), fc.integer()), y: fc.double(), nodeId: fc.integer(), rx: fc.double(), ry: fc.double() },
    { requiredKeys: [] },
  );
  const action = fc.oneof(
    fc.record({ kind: fc.constant('click'), nodeId: fc.integer() }),
    fc.record({ kind: fc.constant('input'), nodeId: fc.nat(), value: fc.oneof(fc.string(), fc.constant(OVERSIZED)) }),
    fc.record({ kind: fc.constant('navigate'), to: fc.oneof(fc.constantFrom('back', 'forward', 'reload'), fc.string()) }),
    fc.record({
      kind: fc.constant('open'),
      url: fc.oneof(fc.webUrl(), fc.constantFrom('javascript:alert(1)', 'file:///etc/passwd', 'http://169.254.169.254/')),
    }),
    fc.anything({ maxDepth: 2 }),
  );
  return fc.oneof(
    fc.record({ type: fc.constantFrom('pointer', 'click'), target }),
    fc.constant({ type: 'request-snapshot' }),
    fc.record(
      { type: fc.constant('action'), id: fc.oneof(fc.nat(), fc.integer()), action, target: fc.string() },
      { requiredKeys: ['type'] },
    ),
    fc.record({ type: fc.string(), extra: fc.anything({ maxDepth: 1 }) }),
    fc.anything({ maxDepth: 3 }),
  );
}

/** Raw POST bodies and content types a broken or hostile client sends. */
const rawHttpArb = fc.record({
  body: fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
    fc
      .record(
        { query: fc.anything({ maxDepth: 1 }), variables: fc.anything({ maxDepth: 2 }), operationName: fc.anything({ maxDepth: 0 }) },
        { requiredKeys: [] },
      )
      .map((value) => JSON.stringify(value)),
    fc.constantFrom(
      '{"query": "{ health }"',
      `{"query": "{ health }", "variables": {"a": ${deepJsonText(100_000)}}}`,
      `{"query": "{ health }", "pad": "${OVERSIZED}"}`,
      '{"query": "{ health }", "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "abc"}}}',
      '[{"query": "{ health }"}, {"query": "{ health }"}]',
    ),
  ),
  contentType: fc.constantFrom(
    'application/json',
    'text/plain',
    'application/graphql-response+json',
    'application/x-www-form-urlencoded',
    'application/json; charset=utf-16',
  ),
});

/** Frames a broken or hostile graphql-ws client sends, after a proper init or without one. */
const rawFramesArb = fc.record({
  init: fc.boolean(),
  frames: fc.array(
    fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
      fc
        .record(
          {
            id: fc.oneof(fc.string(), fc.nat()),
            type: fc.constantFrom('subscribe', 'complete', 'next', 'ping', 'pong', 'connection_init', 'error'),
            payload: fc.anything({ maxDepth: 2 }),
          },
          { requiredKeys: [] },
        )
        .map((value) => JSON.stringify(value)),
      fc.constant(`{"id": "1", "type": "subscribe", "payload": {"query": "{ health }", "variables": {"a": ${deepJsonText(50_000)}}}}`),
    ),
    { minLength: 1, maxLength: 5 },
  ),
});

// ----- the test --------------------------------------------------------------------------------

describe('Fuzzing one server over HTTP and WebSocket while a legitimate session runs', { timeout: 180_000 }, () => {
  let server: TestServer;
  let url: string;
  let supervisorCookie: string;
  let targets: Targets;
  let attackers: { name: string; identity: Identity }[];
  let attackerCustomer: { id: string; token: string };
  let heapBefore = 0;
  let legit: LegitSession;
  let acceptedBeforeAttack = 0;
  /** The server's log, shown when a property fails. */
  const serverLog: string[] = [];

  /** Each attacker speaks from one of a few addresses, as a real one would; the legitimate parties from their own. */
  const ATTACKER_ADDRESSES = ['127.203.113.7', '127.203.113.8', '127.198.100.9'];
  const attackerAddress = (n: number) => ATTACKER_ADDRESSES[n % ATTACKER_ADDRESSES.length]!;

  async function call(query: string, variables: Record<string, unknown>, identity: Identity, address = '127.192.2.1') {
    const answer = await httpGraphQL(url, { query, variables }, { identity, address });
    if (!answer.json?.data || answer.json.errors) throw new Error(`setup call failed: ${answer.text.slice(0, 300)}`);
    return { data: answer.json.data as Record<string, unknown>, setCookie: answer.setCookie };
  }
  const signIn = async (email: string) =>
    (await call('mutation($e: String!, $p: String!){ signIn(email: $e, password: $p){ id } }', { e: email, p: PASSWORD }, {})).setCookie!;
  async function startSession(address: string) {
    const { data } = await call(
      'mutation($input: StartSessionInput!){ startSession(input: $input){ customerToken session { id code } } }',
      { input: { url: `${url}/demo`, viewportWidth: 1280, viewportHeight: 800 } },
      {},
      address,
    );
    const started = data.startSession as { customerToken: string; session: { id: string; code: string } };
    return { id: started.session.id, code: started.session.code, token: started.customerToken };
  }

  before(async () => {
    server = await startTestServer({ log: (line) => serverLog.push(line) });
    url = server.url;
    supervisorCookie = await signIn('supervisor@example.com');
    const adminCookie = await signIn('admin@example.com');
    const { data: keyData } = await call('mutation { createApiKey(name: "fuzz") { key } }', {}, { cookie: adminCookie });
    const apiKey = (keyData.createApiKey as { key: string }).key;

    // The attacker: a customer of a session of their own, joined by a curious agent (agent2@).
    const otherAgentCookie = await signIn('agent2@example.com');
    const own = await startSession('127.203.113.7');
    attackerCustomer = { id: own.id, token: own.token };
    await call('mutation($c: String!){ joinSession(code: $c){ id } }', { c: own.code }, { cookie: otherAgentCookie });

    legit = await startLegitSession(url, await signIn('agent@example.com'));
    targets = {
      ids: [legit.sessionId, own.id, randomUUID(), '1', '-1'],
      codes: [legit.code, own.code, '000000000', '123 456 789'],
    };
    attackers = [
      { name: 'anonymous', identity: {} },
      { name: 'forged credentials', identity: { cookie: `${AUTH_COOKIE}=${randomUUID()}`, customerToken: randomUUID() } },
      { name: 'forged API key', identity: { apiKey: `cbk_${randomUUID()}` } },
      { name: 'attacker customer', identity: { customerToken: own.token } },
      { name: 'curious agent', identity: { cookie: otherAgentCookie } },
      { name: 'read-only API key', identity: { apiKey } },
    ];
    await waitFor(() => legit.received.length >= 10, 10_000); // a few legitimate batches before the attack
    acceptedBeforeAttack = legit.progress().accepted;
    collectGarbage();
    heapBefore = process.memoryUsage().heapUsed;
  });
  after(async () => {
    await legit?.stop();
    await server?.close();
  });

  /** Sends a request over the transport and returns what is wrong with the answer. */
  async function attack(
    request: Request,
    attacker: Identity,
    transport: 'http' | 'ws',
    n: number,
  ): Promise<{ problems: string[]; answer: unknown }> {
    if (transport === 'http') {
      const answer = await httpGraphQL(
        url,
        { query: request.query, variables: request.variables },
        { identity: attacker, address: attackerAddress(n) },
      ).catch(failedRequest);
      return {
        problems: httpProblems(answer.status, answer.text, answer.json),
        answer: { status: answer.status, body: answer.json ?? answer.text.slice(0, 200) },
      };
    }
    const client = wsConnect(url, { identity: attacker, address: attackerAddress(n) });
    try {
      const quiet = request.kind === 'subscription';
      const answer = await wsFirst(client, request.query, request.variables, { timeoutMs: quiet ? 400 : 10_000 });
      return { problems: wsProblems(answer, quiet), answer };
    } finally {
      await client.dispose();
    }
  }

  const attackerArb = () => fc.constantFrom(...attackers);
  const transportArb = fc.constantFrom('http' as const, 'ws' as const);
  let runCounter = 0;

  async function check(label: string, property: fc.IAsyncProperty<never>, numRuns: number, seedOffset: number) {
    const seed = SEED + seedOffset;
    const details = await fc.check(property, { numRuns, seed, endOnFailure: true });
    if (details.failed) {
      const why = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
      assert.fail(
        `${label} failed (seed ${seed}):\n${why.slice(0, 3000)}\n${fc.defaultReportMessage(details)?.slice(0, 3000)}\n` +
          `server log:\n${serverLog.slice(-20).join('\n')}`,
      );
    }
  }

  it(`random operations of the schema with random arguments, as every kind of attacker (seed ${SEED})`, async () => {
    const property = fc.asyncProperty(operationArb(targets), attackerArb(), transportArb, async (request, attacker, transport) => {
      const { problems: found, answer } = await attack(request, attacker.identity, transport, runCounter++);
      assert.deepEqual(
        found,
        [],
        `${attacker.name} over ${transport}: ${request.query.slice(0, 300)} → ${JSON.stringify(answer).slice(0, 500)}`,
      );
    });
    await check('random operations', property as never, 80, 0);
  });

  it('hostile documents: depth, aliases, unclosed braces, cycles, huge comments, several operations', async () => {
    const property = fc.asyncProperty(hostileDocumentArb, attackerArb(), transportArb, async (request, attacker, transport) => {
      const { problems: found, answer } = await attack(request, attacker.identity, transport, runCounter++);
      assert.deepEqual(
        found,
        [],
        `${attacker.name} over ${transport}: ${request.query.slice(0, 200)} → ${JSON.stringify(answer).slice(0, 500)}`,
      );
    });
    await check('hostile documents', property as never, 40, 1);
  });

  it('malformed HTTP bodies and content types', async () => {
    const property = fc.asyncProperty(rawHttpArb, attackerArb(), async ({ body, contentType }, attacker) => {
      const answer = await httpGraphQL(url, body, {
        identity: attacker.identity,
        address: attackerAddress(runCounter++),
        headers: { 'content-type': contentType },
      }).catch(failedRequest);
      const found = httpProblems(answer.status, answer.text, answer.json);
      assert.deepEqual(found, [], `${contentType} ${body.slice(0, 200)} → ${answer.status} ${answer.text.slice(0, 300)}`);
    });
    await check('malformed HTTP', property as never, 50, 2);
  });

  it('arbitrary event batches and agent signals, aimed at the attacker’s own session and at the legitimate one', async () => {
    const property = fc.asyncProperty(
      fc.oneof(
        batchArb().map((batch) => ({ query: SEND_EVENTS, variables: { batch }, who: 'attacker customer', field: 'sendEvents' })),
        signalArb().map((signal) => ({ query: SEND_SIGNAL, variables: { signal }, who: 'curious agent', field: 'sendSignal' })),
      ),
      fc.boolean(),
      transportArb,
      async (payload, atLegit, transport) => {
        const attacker = attackers.find((candidate) => candidate.name === payload.who)!;
        const sessionId = atLegit ? legit.sessionId : attackerCustomer.id;
        const request: Request = { kind: 'mutation', query: payload.query, variables: { id: sessionId, ...payload.variables } };
        const { problems: found, answer } = await attack(request, attacker.identity, transport, runCounter++);
        assert.deepEqual(found, [], `${payload.field} over ${transport} → ${JSON.stringify(answer).slice(0, 500)}`);
        if (atLegit) {
          // Never accepted into someone else's session, whatever its shape.
          const text = JSON.stringify(answer);
          assert.ok(
            !text.includes(`"${payload.field}":true`),
            `${payload.field} was accepted into the legitimate session: ${text.slice(0, 300)}`,
          );
        }
      },
    );
    await check('events and signals', property as never, 120, 3);
  });

  it('garbage graphql-ws frames, before and after connection_init', async () => {
    const property = fc.asyncProperty(rawFramesArb, async ({ init, frames }) => {
      const outcome = await rawSocket(url, attackerAddress(runCounter++), init, frames);
      const found = [
        ...(outcome.closeCode === 4500 || outcome.closeCode === 1011 ? [`closed ${outcome.closeCode} ${outcome.reason}`] : []),
        ...outcome.messages.flatMap((message) => {
          const errors =
            message.type === 'error'
              ? { errors: message.payload as GraphQLBody['errors'] }
              : message.type === 'next'
                ? (message.payload as GraphQLBody)
                : null;
          return errors ? bodyProblems(errors) : [];
        }),
        ...(INTERNALS.test(outcome.reason) || outcome.messages.some((message) => INTERNALS.test(JSON.stringify(message)))
          ? ['internals in a frame']
          : []),
      ];
      assert.deepEqual(found, [], JSON.stringify({ init, frames: frames.map((frame) => frame.slice(0, 100)), outcome }).slice(0, 1000));
    });
    await check('raw WebSocket frames', property as never, 30, 4);
  });

  it('afterwards: the server answers, the legitimate agent got every batch in order, memory is bounded, no audit row is lost', async () => {
    const health = await httpGraphQL(url, { query: '{ health }' }, { address: '127.192.2.50' });
    assert.deepEqual(health.json, { data: { health: 'ok' } });
    const socket = wsConnect(url, { address: '127.192.2.51' });
    assert.deepEqual(await wsFirst(socket, '{ health }'), { kind: 'next', body: { data: { health: 'ok' } } });
    await socket.dispose();

    const duringAttack = legit.progress().accepted - acceptedBeforeAttack;
    assert.ok(duringAttack >= 10, `the customer kept sending during the attack (${duringAttack} batches)`);
    // However short the attack ran on this machine, the comparisons below cover enough traffic.
    await waitFor(() => legit.progress().accepted > 50 && legit.progress().writeCycles > 3, 30_000);
    const stats = await legit.stop();
    assert.deepEqual(stats.failures, [], 'the legitimate session’s own calls all succeeded');
    await waitFor(() => legit.received.length >= stats.accepted.length, 10_000);
    assert.deepEqual(legit.received, stats.accepted, 'every accepted batch reached the agent, once, in order');
    assert.ok(stats.writeCycles > 3, `Write Mode was asked and declined during the attack (${stats.writeCycles} times)`);

    collectGarbage();
    const growth = process.memoryUsage().heapUsed - heapBefore;
    assert.ok(growth < HEAP_GROWTH_LIMIT_BYTES, `heap grew by ${Math.round(growth / 1024 / 1024)} MB`);

    // The audit trail: every row the legitimate session made, in one unbroken chain.
    const expected: Record<string, number> = {
      SESSION_STARTED: 1,
      AGENT_JOINED: 1,
      WRITE_REQUESTED: stats.writeCycles,
      WRITE_DECLINED: stats.writeCycles,
      PAGE_VISITED: stats.pages,
    };
    let counts: Record<string, number> = {};
    let rows: { sequence: number; type: string }[] = [];
    await waitFor(async () => {
      rows = await auditRows(url, supervisorCookie, legit.sessionId);
      counts = Object.fromEntries(Object.keys(expected).map((type) => [type, rows.filter((row) => row.type === type).length]));
      return counts.PAGE_VISITED === stats.pages; // page visits are written by the buffered path
    }, 10_000).catch(() => {});
    assert.deepEqual(counts, expected, 'the legitimate session’s audit rows, by type');
    assert.deepEqual(
      rows.map((row) => row.sequence),
      rows.map((_row, i) => rows[0]!.sequence + i),
      'sequences without a gap',
    );
    const verified = await httpGraphQL(
      url,
      {
        query: 'query($id: ID!){ verifyAudit(sessionId: $id){ intact events brokenAt } session(id: $id){ status } }',
        variables: { id: legit.sessionId },
      },
      { identity: { cookie: supervisorCookie }, address: '127.192.2.52' },
    );
    assert.deepEqual(verified.json?.data, {
      verifyAudit: { intact: true, events: rows.length, brokenAt: null },
      session: { status: 'ACTIVE' },
    });
  });
});

// ----- the legitimate session -----------------------------------------------------------------

interface LegitStats {
  accepted: number[];
  writeCycles: number;
  pages: number;
  failures: string[];
}

interface LegitSession {
  sessionId: string;
  code: string;
  /** Batch numbers the agent received, in arrival order. */
  received: number[];
  /** How much the session has done so far, while it keeps running. */
  progress: () => { accepted: number; writeCycles: number };
  stop: () => Promise<LegitStats>;
}

/**
 * A customer on the demo page sending a batch every 40 ms (a page change every 25th), an agent
 * subscribed to the stream, and the agent asking for Write Mode and the customer declining, over
 * and over — each from an address of its own.
 */
async function startLegitSession(url: string, agentCookie: string): Promise<LegitSession> {
  const customerAddress = '127.192.2.10';
  const agentAddress = '127.192.2.11';
  const started = await httpGraphQL(
    url,
    {
      query: 'mutation($input: StartSessionInput!){ startSession(input: $input){ customerToken session { id code } } }',
      variables: { input: { url: `${url}/demo`, viewportWidth: 1280, viewportHeight: 800 } },
    },
    { address: customerAddress },
  );
  const payload = started.json!.data!.startSession as { customerToken: string; session: { id: string; code: string } };
  const sessionId = payload.session.id;
  const customerIdentity = { customerToken: payload.customerToken };
  const agentIdentity = { cookie: agentCookie };
  const joined = await httpGraphQL(
    url,
    { query: 'mutation($c: String!){ joinSession(code: $c){ id } }', variables: { c: payload.session.code } },
    { identity: agentIdentity, address: agentAddress },
  );
  if (joined.json?.errors) throw new Error(`legit join failed: ${joined.text}`);

  const received: number[] = [];
  const agent = wsConnect(url, { identity: agentIdentity, address: agentAddress, persistent: true });
  let streamReady!: () => void;
  const ready = new Promise<void>((resolve) => (streamReady = resolve));
  const failures: string[] = [];
  const unsubscribe = agent.subscribe<{ sessionStream: StreamMessage }>(
    { query: 'subscription($id: ID!){ sessionStream(sessionId: $id) }', variables: { id: sessionId } },
    {
      next: (value) => {
        const message = value.data?.sessionStream;
        if (value.errors) failures.push(`agent stream: ${JSON.stringify(value.errors)}`);
        if (message?.type === 'session') streamReady();
        if (message?.type === 'events') received.push(message.batch.seq);
      },
      error: (error) => failures.push(`agent stream ended: ${JSON.stringify(error)}`),
      complete: () => failures.push('agent stream completed'),
    },
  );
  await ready;

  const customer = wsConnect(url, { identity: customerIdentity, address: customerAddress, persistent: true });
  const accepted: number[] = [];
  let running = true;
  let pages = 0;
  let writeCycles = 0;

  const sending = (async () => {
    for (let seq = 1; running; seq++) {
      const now = Date.now();
      const events: { type: number; data: unknown; timestamp: number }[] = [
        { type: 3, data: { source: 0, texts: [], attributes: [], removes: [], adds: [] }, timestamp: now },
      ];
      if (seq % 25 === 1) {
        pages += 1;
        events.unshift({ type: 4, data: { href: `${url}/demo/page-${pages}`, width: 1280, height: 800 }, timestamp: now });
      }
      const answer = await wsFirst(customer, SEND_EVENTS, { id: sessionId, batch: { seq, sentAt: now, events } });
      if (answer.kind === 'next' && answer.body.data?.sendEvents === true) accepted.push(seq);
      else failures.push(`batch ${seq}: ${JSON.stringify(answer).slice(0, 300)}`);
      await sleep(40); // the pace of a widget's batches, for the length of the attack
    }
  })();

  const askingForWriteMode = (async () => {
    while (running) {
      await sleep(400); // an agent asking now and then, for the length of the attack
      const asked = await httpGraphQL(
        url,
        { query: 'mutation($id: ID!){ requestWriteMode(sessionId: $id){ writeRequestId } }', variables: { id: sessionId } },
        { identity: agentIdentity, address: agentAddress },
      );
      const requestId = (asked.json?.data?.requestWriteMode as { writeRequestId: string | null } | undefined)?.writeRequestId;
      if (!requestId) {
        failures.push(`requestWriteMode: ${asked.text.slice(0, 300)}`);
        continue;
      }
      const answered = await httpGraphQL(
        url,
        {
          query: 'mutation($id: ID!, $r: ID!){ answerWriteMode(sessionId: $id, requestId: $r, approve: false){ mode } }',
          variables: { id: sessionId, r: requestId },
        },
        { identity: customerIdentity, address: customerAddress },
      );
      if (answered.json?.errors) failures.push(`answerWriteMode: ${answered.text.slice(0, 300)}`);
      else writeCycles += 1;
    }
  })();

  return {
    sessionId,
    code: payload.session.code,
    received,
    progress: () => ({ accepted: accepted.length, writeCycles }),
    async stop() {
      if (running) {
        running = false;
        await Promise.all([sending, askingForWriteMode]);
        // The last batches reach the agent before it hangs up (the test then compares them all).
        await waitFor(() => received.length >= accepted.length, 10_000).catch(() => {});
        unsubscribe();
        await Promise.all([customer.dispose(), agent.dispose()]);
      }
      return { accepted, writeCycles, pages, failures };
    },
  };
}

// ----- helpers ---------------------------------------------------------------------------------

/** A request the server dropped (connection reset, no answer) as an answer the checks reject. */
function failedRequest(error: unknown): HttpAnswer {
  const cause = error instanceof Error && error.cause ? String(error.cause) : String(error);
  return { status: 599, text: `request failed: ${cause}`, json: null, setCookie: null };
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(50);
  }
}

async function auditRows(url: string, cookie: string, sessionId: string): Promise<{ sequence: number; type: string }[]> {
  const rows: { sequence: number; type: string }[] = [];
  let after: string | null = null;
  for (;;) {
    const answer = await httpGraphQL(
      url,
      {
        query:
          'query($id: ID!, $after: String){ auditEvents(sessionId: $id, first: 200, after: $after){ nodes { sequence type } pageInfo { hasNextPage endCursor } } }',
        variables: { id: sessionId, after },
      },
      { identity: { cookie }, address: '127.192.2.53' },
    );
    const page = answer.json?.data?.auditEvents as
      | { nodes: { sequence: number; type: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } }
      | undefined;
    if (!page) throw new Error(`auditEvents failed: ${answer.text.slice(0, 300)}`);
    rows.push(...page.nodes);
    if (!page.pageInfo.hasNextPage) return rows;
    after = page.pageInfo.endCursor;
  }
}

interface RawOutcome {
  closeCode: number | null;
  reason: string;
  messages: { type?: string; payload?: unknown }[];
}

/** Opens a bare graphql-transport-ws socket, optionally initialises it, sends the frames, and reports what came back. */
function rawSocket(url: string, address: string, init: boolean, frames: string[]): Promise<RawOutcome> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/api/graphql`, 'graphql-transport-ws', {
      headers: { origin: url },
      localAddress: address,
    });
    const outcome: RawOutcome = { closeCode: null, reason: '', messages: [] };
    const finish = () => {
      clearTimeout(timer);
      resolve(outcome);
    };
    const timer = setTimeout(() => {
      socket.terminate();
      finish();
    }, 1500);
    socket.on('error', (error) => {
      outcome.reason = String(error);
    });
    socket.on('close', (code, reason) => {
      outcome.closeCode = code;
      outcome.reason = reason.toString();
      finish();
    });
    socket.on('message', (data) => {
      try {
        outcome.messages.push(JSON.parse(data.toString()) as RawOutcome['messages'][number]);
      } catch {
        outcome.messages.push({ type: 'unparseable' });
      }
    });
    const arrived = (type: string, id?: string) =>
      outcome.messages.some((message) => message.type === type && (id === undefined || (message as { id?: unknown }).id === id));
    const until = async (done: () => boolean) => {
      while (socket.readyState === WebSocket.OPEN && !done()) await sleep(10);
    };
    socket.on('open', async () => {
      if (init) {
        socket.send(JSON.stringify({ type: 'connection_init' }));
        await until(() => arrived('connection_ack'));
      }
      for (const frame of frames) if (socket.readyState === WebSocket.OPEN) socket.send(frame);
      // A last message the server answers, handled after the frames: once its answer is in, so
      // is theirs (before connection_init only a ping may be answered).
      const marker = init
        ? { type: 'subscribe', id: 'after-the-frames', payload: { query: '{ health }' } }
        : { type: 'ping', payload: { after: 'the-frames' } };
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(marker));
      await until(() => (init ? arrived('complete', 'after-the-frames') : arrived('pong')));
      if (socket.readyState === WebSocket.OPEN) socket.close(1000);
    });
  });
}
