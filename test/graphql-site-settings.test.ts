import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_MASKED_FIELD_SELECTORS, type StreamMessage } from '../protocol/index.ts';
import { errorCode, gql, signIn, startCustomerSession, wsClient, wsCollect } from './support/graphql-client.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

const LISTS = 'maskedFieldSelectors maskedElementSelectors maskedImageSelectors maskedPagePatterns disabledSelectors';
const READ = `{ siteSettings { recordingEnabled ${LISTS} builtIn { ${LISTS} } } }`;
const UPDATE = `mutation($input: SiteSettingsInput!){ updateSiteSettings(input: $input){ recordingEnabled ${LISTS} } }`;
const STREAM = 'subscription($id: ID!){ sessionStream(sessionId: $id) }';

type Lists = Record<string, string[]>;

describe('Site masking rules over GraphQL', () => {
  let server: TestServer;
  let adminCookie: string;

  before(async () => {
    server = await startTestServer();
    adminCookie = await signIn(server.url, 'admin@example.com');
  });
  after(() => server.close());

  const update = (input: object, cookie = adminCookie) => gql<{ updateSiteSettings: Lists }>(server.url, UPDATE, { input }, { cookie });

  /** The rules a new session's customer receives first on its stream. */
  async function rulesOfNextSession() {
    const session = await startCustomerSession(server.url);
    const customer = wsClient(server.url, { customerToken: session.customerToken });
    const stream = wsCollect<StreamMessage>(customer, STREAM, { id: session.id });
    const first = await stream.next();
    await customer.dispose();
    assert.equal(first.type, 'rules', 'the rules come before the first session message');
    return first.type === 'rules' ? first.rules : null;
  }

  it('is for admins only', async () => {
    for (const email of ['agent@example.com', 'supervisor@example.com']) {
      const cookie = await signIn(server.url, email);
      assert.equal(errorCode(await gql(server.url, READ, {}, { cookie })), 'FORBIDDEN');
      assert.equal(errorCode(await update({ maskedFieldSelectors: ['#x'] }, cookie)), 'FORBIDDEN');
    }
    assert.equal(errorCode(await gql(server.url, READ, {})), 'UNAUTHENTICATED');
  });

  it('masks passwords, card and SSN fields out of the box, and says so', async () => {
    const read = await gql<{ siteSettings: Lists & { builtIn: Lists } }>(server.url, READ, {}, { cookie: adminCookie });
    assert.deepEqual(read.data?.siteSettings.builtIn.maskedFieldSelectors, DEFAULT_MASKED_FIELD_SELECTORS);
    assert.deepEqual(read.data?.siteSettings.maskedFieldSelectors, []);
    const rules = await rulesOfNextSession();
    for (const selector of ['input[type=password]', '[autocomplete*=cc-]', 'input[name*=cvv i]', 'input[name*=ssn i]'])
      assert.ok(rules?.maskedFieldSelectors.includes(selector), selector);
  });

  it('rejects a bad entry with a message naming it and its list, saving nothing', async () => {
    await update({ maskedFieldSelectors: ['#account'] });
    const cases: [object, RegExp][] = [
      [{ maskedFieldSelectors: ['#ok', 'input[name='] }, /Masked fields: "input\[name=" is not a valid CSS selector/],
      [{ maskedElementSelectors: ['div{color:red}'] }, /Masked elements: "div\{color:red\}"/],
      [{ maskedImageSelectors: ['  '] }, /Masked images: an entry cannot be empty/],
      [{ maskedPagePatterns: ['account/*'] }, /Masked pages: "account\/\*" must start with \/, \* or http/],
      [{ disabledSelectors: ['x'.repeat(301)] }, /longer than 300 characters/],
      [{ maskedFieldSelectors: Array.from({ length: 101 }, (_, i) => `#f${i}`) }, /at most 100 entries/],
    ];
    for (const [input, message] of cases) {
      const result = await update({ maskedPagePatterns: ['/fine/*'], ...input });
      assert.equal(errorCode(result), 'BAD_USER_INPUT', JSON.stringify(input));
      assert.match(result.errors![0]!.message, message);
    }
    const read = await gql<{ siteSettings: Lists }>(server.url, READ, {}, { cookie: adminCookie });
    assert.deepEqual(read.data?.siteSettings.maskedFieldSelectors, ['#account']);
    assert.deepEqual(read.data?.siteSettings.maskedPagePatterns, [], 'a rejected update saves none of its lists');
  });

  it('applies saved rules, trimmed and without repeats, to the next session without a restart', async () => {
    const saved = await update({
      maskedFieldSelectors: [' .balance ', '.balance'],
      maskedElementSelectors: ['.statement'],
      maskedImageSelectors: ['img.avatar'],
      maskedPagePatterns: ['/account/*', 'https://shop.example/checkout*'],
      recordingEnabled: true,
    });
    assert.deepEqual(saved.data?.updateSiteSettings, {
      recordingEnabled: true,
      maskedFieldSelectors: ['.balance'],
      maskedElementSelectors: ['.statement'],
      maskedImageSelectors: ['img.avatar'],
      maskedPagePatterns: ['/account/*', 'https://shop.example/checkout*'],
      disabledSelectors: [],
    });
    const rules = await rulesOfNextSession();
    assert.ok(rules?.maskedFieldSelectors.includes('.balance') && rules.maskedFieldSelectors.includes('input[type=password]'));
    assert.ok(rules?.maskedElementSelectors.includes('.statement'));
    assert.ok(rules?.maskedImageSelectors.includes('img.avatar'));
    assert.deepEqual(rules?.maskedPagePatterns, ['/account/*', 'https://shop.example/checkout*']);
  });

  it('saves masked canvas selectors, refuses a bad one by name, and tells the next session', async () => {
    const CANVASES =
      'mutation($s: [String!]!){ updateSiteSettings(input: { maskedCanvasSelectors: $s }){ maskedCanvasSelectors builtIn { maskedCanvasSelectors } } }';
    const save = (selectors: string[]) =>
      gql<{ updateSiteSettings: Lists & { builtIn: Lists } }>(server.url, CANVASES, { s: selectors }, { cookie: adminCookie });
    const refused = await save(['canvas[']);
    assert.equal(errorCode(refused), 'BAD_USER_INPUT');
    assert.match(refused.errors![0]!.message, /Masked canvases: "canvas\[" is not a valid CSS selector/);
    const saved = await save([' canvas.signature ']);
    assert.deepEqual(saved.data?.updateSiteSettings, {
      maskedCanvasSelectors: ['canvas.signature'],
      builtIn: { maskedCanvasSelectors: ['canvas[data-cobrowse-mask]'] },
    });
    const rules = await rulesOfNextSession();
    assert.deepEqual(rules?.maskedCanvasSelectors, ['canvas[data-cobrowse-mask]', 'canvas.signature']);
    await save([]);
  });

  it('keeps the query parameters an admin names, by name only, and tells the next session', async () => {
    const KEPT = 'mutation($k: [String!]!){ updateSiteSettings(input: { keptQueryParameters: $k }){ keptQueryParameters } }';
    const keep = (names: string[]) => gql<{ updateSiteSettings: Lists }>(server.url, KEPT, { k: names }, { cookie: adminCookie });
    const before = await gql<{ siteSettings: Lists & { builtIn: Lists } }>(
      server.url,
      '{ siteSettings { keptQueryParameters builtIn { keptQueryParameters } } }',
      {},
      { cookie: adminCookie },
    );
    assert.deepEqual(before.data?.siteSettings, { keptQueryParameters: [], builtIn: { keptQueryParameters: [] } }, 'none kept by default');
    for (const [name, why] of [
      ['?page=2', /Kept query parameters: "\?page=2" is not a parameter name/],
      ['page=2', /is not a parameter name/],
      ['a b', /is not a parameter name/],
      ['  ', /Kept query parameters: an entry cannot be empty/],
    ] as const)
      assert.match((await keep([name])).errors?.[0]?.message ?? '', why, name);
    assert.deepEqual((await keep([' page ', 'product_id', 'page'])).data?.updateSiteSettings.keptQueryParameters, ['page', 'product_id']);
    assert.deepEqual((await rulesOfNextSession())?.keptQueryParameters, ['page', 'product_id']);
    await keep([]);
  });

  it('lets an admin allow another site without a restart: the widget may start there, CORS answers it', async () => {
    const START = 'mutation($input: StartSessionInput!){ startSession(input: $input){ session { id } } }';
    const input = { url: 'https://shop.example/cart', viewportWidth: 1280, viewportHeight: 800 };
    const fromShop = () => gql(server.url, START, { input }, { origin: 'https://shop.example' });
    assert.equal(errorCode(await fromShop()), 'ORIGIN_NOT_ALLOWED');

    const bad = await update({ allowedOrigins: ['shop.example'] });
    assert.match(bad.errors?.[0]?.message ?? '', /Allowed sites: "shop.example" is not a site origin/);
    assert.match((await update({ allowedOrigins: ['https://shop.example/cart'] })).errors?.[0]?.message ?? '', /no path/);
    const saved = await gql<{ updateSiteSettings: Lists }>(
      server.url,
      'mutation($o: [String!]!){ updateSiteSettings(input: { allowedOrigins: $o }){ allowedOrigins } }',
      { o: ['https://shop.example/'] },
      { cookie: adminCookie },
    );
    assert.deepEqual(saved.data?.updateSiteSettings.allowedOrigins, ['https://shop.example']);

    assert.ok((await fromShop()).data, 'the start is accepted from the newly allowed site');
    const preflight = await fetch(`${server.url}/api/graphql`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://shop.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'https://shop.example');
    const other = await fetch(`${server.url}/api/graphql`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
  });
});
