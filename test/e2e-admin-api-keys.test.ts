import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signInAs } from './support/browser.ts';
import { browserSuite } from './support/cobrowse-pages.ts';
import { gql } from './support/graphql-client.ts';

describe('the admin API keys page in Chromium', () => {
  const suite = browserSuite();

  it('creates a key shown once, which reads the API until it is revoked', async () => {
    const url = suite.server.url;
    const admin = await suite.newPage(1400, 900);
    await signInAs(admin, url, 'admin@example.com', '/admin/api-keys');
    await admin.getByTestId('api-key-name').fill('CRM nightly export');
    await admin.getByTestId('api-key-create').click();
    const key = (await admin.getByTestId('api-key-secret').textContent()) ?? '';
    assert.match(key, /^cbk_/);
    await admin.getByTestId('api-key-row').filter({ hasText: 'CRM nightly export' }).waitFor();

    const read = () => gql(url, '{ sessions(limit: 1) { id } }', {}, { apiKey: key });
    assert.equal((await read()).status, 200);

    await admin.reload();
    await admin.getByTestId('api-key-row').first().waitFor();
    assert.equal(await admin.getByTestId('api-key-secret').count(), 0, 'the key is not shown again');
    assert.ok(!(await admin.content()).includes(key));

    admin.once('dialog', (dialog) => void dialog.accept());
    await admin.getByTestId('api-key-revoke').click();
    await admin.getByText(/^Revoked /).waitFor();
    assert.equal((await read()).status, 401);
  });
});
