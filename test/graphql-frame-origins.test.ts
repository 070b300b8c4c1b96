import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FRAME_RULES_PATH, MAX_RULES_PER_LIST, type FrameRules, type StreamMessage } from '../protocol/index.ts';
import { errorCode, gql, signIn, startCustomerSession, wsClient, wsCollect } from './support/graphql-client.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

const FRAME_ORIGINS = 'mutation($origins: [String!]!) { updateSiteSettings(input: { frameOrigins: $origins }) { frameOrigins } }';
const STREAM = 'subscription($id: ID!){ sessionStream(sessionId: $id) }';

describe('trusted frames of other sites: the admin’s list, the session’s rules, the frame’s answer', () => {
  let server: TestServer;
  let admin: string;
  before(async () => {
    server = await startTestServer();
    admin = await signIn(server.url, 'admin@example.com');
    await gql(
      server.url,
      'mutation { updateSiteSettings(input: { allowedOrigins: ["https://shop.example"] }) { allowedOrigins } }',
      {},
      { cookie: admin },
    );
  });
  after(() => server.close());

  const save = (origins: string[], cookie = admin) =>
    gql<{ updateSiteSettings: { frameOrigins: string[] } }>(server.url, FRAME_ORIGINS, { origins }, { cookie });
  const askAs = async (origin?: string) => {
    const response = await fetch(server.url + FRAME_RULES_PATH, { headers: origin ? { origin } : {} });
    return { cors: response.headers.get('access-control-allow-origin'), answer: (await response.json()) as FrameRules };
  };

  it('keeps site origins only, for admins only', async () => {
    const saved = await save(['https://pay.example/', ' https://book.example ']);
    assert.deepEqual(saved.data?.updateSiteSettings.frameOrigins, ['https://pay.example', 'https://book.example']);
    const bad = await save(['https://pay.example/checkout']);
    assert.match(bad.errors?.[0]?.message ?? '', /Trusted frames: "https:\/\/pay.example\/checkout" is not a site origin/);
    assert.equal(errorCode(await save(['javascript:alert(1)'])), 'BAD_USER_INPUT');
    const many = Array.from({ length: MAX_RULES_PER_LIST + 1 }, (_, i) => `https://f${i}.example`);
    assert.match((await save(many)).errors?.[0]?.message ?? '', /Trusted frames: at most/);
    assert.equal(errorCode(await save([], await signIn(server.url, 'agent@example.com'))), 'FORBIDDEN');
    const read = await gql<{ siteSettings: { frameOrigins: string[] } }>(
      server.url,
      '{ siteSettings { frameOrigins } }',
      {},
      { cookie: admin },
    );
    assert.deepEqual(read.data?.siteSettings.frameOrigins, ['https://pay.example', 'https://book.example']);
  });

  it('sends the trusted frames to the customer’s widget with the session’s rules', async () => {
    await save(['https://pay.example']);
    const session = await startCustomerSession(server.url);
    const customer = wsClient(server.url, { customerToken: session.customerToken });
    const first = await wsCollect<StreamMessage>(customer, STREAM, { id: session.id }).next();
    await customer.dispose();
    assert.deepEqual(first.type === 'rules' && first.rules.frameOrigins, ['https://pay.example']);
  });

  it('tells a trusted frame its parent sites and masking rules, and any other page nothing', async () => {
    await save(['https://pay.example']);
    const trusted = await askAs('https://pay.example');
    assert.equal(trusted.cors, 'https://pay.example');
    assert.ok(trusted.answer.parentOrigins.includes('https://shop.example'));
    assert.ok(trusted.answer.rules?.maskedFieldSelectors.includes('[autocomplete*=cc-]'));
    assert.deepEqual(trusted.answer.rules?.frameOrigins, []);
    for (const origin of ['https://evil.example', 'null', undefined]) {
      const other = await askAs(origin);
      assert.equal(other.cors, null, String(origin));
      assert.deepEqual(other.answer, { parentOrigins: [], rules: null });
    }
  });
});
