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

  it('creates a scoped key with an expiry and its own limit, listed with its scopes, expiry and last use', async () => {
    const url = suite.server.url;
    const admin = await suite.newPage(1400, 900);
    await signInAs(admin, url, 'admin@example.com', '/admin/api-keys');
    await admin.getByTestId('api-key-name').fill('Audit archive');
    // Every scope is ticked to begin with; this key reads sessions only.
    for (const scope of ['SESSIONS_READ', 'AUDIT_READ', 'CHATS_READ'])
      assert.ok(await admin.getByTestId(`api-key-scope-${scope}`).isChecked());
    await admin.getByTestId('api-key-scope-AUDIT_READ').uncheck();
    await admin.getByTestId('api-key-scope-CHATS_READ').uncheck();
    const nextYear = new Date().getFullYear() + 1;
    await admin.getByTestId('api-key-expires').fill(`${nextYear}-06-30`);
    await admin.getByTestId('api-key-rate').fill('120');
    await admin.getByTestId('api-key-create').click();
    const key = (await admin.getByTestId('api-key-secret').textContent()) ?? '';
    assert.match(key, /^cbk_/);
    const row = admin.getByTestId('api-key-row').filter({ hasText: 'Audit archive' });
    await row.waitFor();
    assert.equal(await row.getByTestId('api-key-scopes').textContent(), 'SESSIONS_READ');
    assert.match((await row.getByTestId('api-key-expires-at').textContent()) ?? '', new RegExp(String(nextYear)));
    assert.equal(await row.getByTestId('api-key-last-used').textContent(), 'Never');

    const stored = await suite.server.deps.db.apiKey.findFirstOrThrow({ where: { name: 'Audit archive' } });
    assert.equal(stored.scopes, 'SESSIONS_READ');
    assert.equal(stored.requestsPerMinute, 120);
    assert.equal(stored.expiresAt?.getFullYear(), nextYear);

    // The key reads sessions, and is refused chats, naming the scope it lacks.
    assert.equal((await gql(url, '{ sessions(limit: 1) { id } }', {}, { apiKey: key })).errors, undefined);
    const chats = await gql(url, '{ chats(first: 1) { id } }', {}, { apiKey: key });
    assert.match(chats.errors?.[0]?.message ?? '', /lacks the CHATS_READ scope/);

    await admin.reload();
    await row.getByTestId('api-key-last-used').filter({ hasNotText: 'Never' }).waitFor();
    // With no scope ticked the form cannot be sent.
    await admin.getByTestId('api-key-name').fill('Nothing');
    for (const scope of ['SESSIONS_READ', 'AUDIT_READ', 'CHATS_READ']) await admin.getByTestId(`api-key-scope-${scope}`).uncheck();
    assert.ok(await admin.getByTestId('api-key-create').isDisabled());
  });

  it('lists keys a page at a time, with the next page on request', async () => {
    const url = suite.server.url;
    const { db } = suite.server.deps;
    await db.apiKey.createMany({
      data: Array.from({ length: 60 }, (_, i) => ({ name: `bulk ${i}`, prefix: `cbk_bulk${i}`, keyHash: `bulk-${i}`, createdById: 'x' })),
    });
    const total = await db.apiKey.count();
    assert.ok(total > 50 && total <= 100);
    const admin = await suite.newPage(1400, 900);
    await signInAs(admin, url, 'admin@example.com', '/admin/api-keys');
    await admin.getByTestId('api-key-more').waitFor();
    assert.equal(await admin.getByTestId('api-key-row').count(), 50, 'one page first');
    await admin.getByTestId('api-key-more').click();
    await admin.getByTestId('api-key-more').waitFor({ state: 'detached' });
    assert.equal(await admin.getByTestId('api-key-row').count(), total, 'then the rest, none twice');
  });
});
