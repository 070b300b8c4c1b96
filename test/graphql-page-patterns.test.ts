import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { errorCode, gql, signIn } from './support/graphql-client.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

const UPDATE = 'mutation($input: SiteSettingsInput!){ updateSiteSettings(input: $input){ maskedPagePatterns } }';

describe('Masked-page patterns saved over GraphQL', () => {
  let server: TestServer;
  let adminCookie: string;

  before(async () => {
    server = await startTestServer();
    adminCookie = await signIn(server.url, 'admin@example.com');
  });
  after(() => server.close());

  const update = (patterns: string[]) =>
    gql<{ updateSiteSettings: { maskedPagePatterns: string[] } }>(
      server.url,
      UPDATE,
      { input: { maskedPagePatterns: patterns } },
      { cookie: adminCookie },
    );

  it('saves patterns normalized, as pages are matched, and once each', async () => {
    const saved = await update(['//account//*', '/%61ccount/*', '/help/', 'https://shop.example//checkout/*']);
    assert.deepEqual(saved.data?.updateSiteSettings.maskedPagePatterns, ['/account/*', '/help', 'https://shop.example/checkout/*']);
  });

  it('refuses a hash in a pattern, saying how hash routes are matched', async () => {
    const refused = await update(['/#/account/*']);
    assert.equal(errorCode(refused), 'BAD_USER_INPUT');
    assert.match(refused.errors![0]!.message, /hash routes .* are matched as paths/);
  });
});
