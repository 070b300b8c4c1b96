import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { gql, signIn, startCustomerSession } from './support/graphql-client.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

const run = promisify(execFile);

describe('the API example in docs/', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('runs against a live server with a key and prints sessions and their audit trail', async () => {
    const admin = await signIn(server.url, 'admin@example.com');
    const created = await gql<{ createApiKey: { key: string } }>(
      server.url,
      'mutation { createApiKey(name: "docs") { key } }',
      {},
      { cookie: admin },
    );
    const session = await startCustomerSession(server.url);
    await gql(
      server.url,
      'mutation($id: ID!){ exitSession(sessionId: $id){ id } }',
      { id: session.id },
      { customerToken: session.customerToken },
    );

    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'docs/examples/api-client.ts'], {
      env: { ...process.env, COBROWSE_URL: server.url, COBROWSE_API_KEY: created.data!.createApiKey.key },
      timeout: 30_000,
    });
    assert.match(stdout, new RegExp(`session ${session.code} .* ended by CUSTOMER`));
    assert.match(stdout, /#1 .* CUSTOMER +SESSION_STARTED/);
    assert.match(stdout, /#2 .* CUSTOMER +SESSION_ENDED/);
    assert.match(stdout, /1 ended session\(s\)/);
  });
});
