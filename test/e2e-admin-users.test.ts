import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signInAs } from './support/browser.ts';
import { browserSuite } from './support/cobrowse-pages.ts';
import { errorCode, gql } from './support/graphql-client.ts';
import { waitFor } from './support/wait-for.ts';

const SIGN_IN = 'mutation($e: String!, $p: String!){ signIn(email: $e, password: $p){ role } }';

describe('the admin users page in Chromium', () => {
  const suite = browserSuite();

  it('adds a user, resets their password and changes their role; only admins get in', async () => {
    const url = suite.server.url;
    const page = await suite.newPage(1280, 900);
    await signInAs(page, url, 'admin@example.com', '/admin/users');
    const rows = page.getByTestId('user-row');
    await waitFor(async () => (await rows.count()) === 4, 'the four demo users');

    await page.getByTestId('user-create-name').fill('Robin Agent');
    await page.getByTestId('user-create-email').fill('robin@example.com');
    await page.getByTestId('user-create-role').selectOption('AGENT');
    await page.getByTestId('user-create-password').fill('robin-first-pw');
    await page.getByTestId('user-create-submit').click();
    await waitFor(async () => (await rows.count()) === 5, 'the new user in the list');
    assert.ok((await gql(url, SIGN_IN, { e: 'robin@example.com', p: 'robin-first-pw' })).data);

    // A duplicate email is refused with a message, and the form keeps what was typed.
    await page.getByTestId('user-create-name').fill('Robin Again');
    await page.getByTestId('user-create-email').fill('ROBIN@example.com');
    await page.getByTestId('user-create-password').fill('robin-other-pw');
    await page.getByTestId('user-create-submit').click();
    await waitFor(async () => /already exists/.test((await page.getByTestId('users-message').textContent()) ?? ''), 'the duplicate error');
    assert.equal(await page.getByTestId('user-create-name').inputValue(), 'Robin Again');

    const robin = rows.filter({ hasText: 'robin@example.com' });
    await robin.getByTestId('user-reset-password').click();
    await page.getByTestId('user-new-password').fill('robin-second-pw');
    await page.getByTestId('user-reset-password-save').click();
    await waitFor(
      async () => /New password set for Robin Agent/.test((await page.getByTestId('users-message').textContent()) ?? ''),
      'the reset',
    );
    assert.equal(errorCode(await gql(url, SIGN_IN, { e: 'robin@example.com', p: 'robin-first-pw' })), 'UNAUTHENTICATED');
    assert.ok((await gql(url, SIGN_IN, { e: 'robin@example.com', p: 'robin-second-pw' })).data);

    await robin.getByTestId('user-role').selectOption('SUPERVISOR');
    await waitFor(
      async () => /Robin Agent is now a supervisor/.test((await page.getByTestId('users-message').textContent()) ?? ''),
      'the role change',
    );
    const stored = await suite.server.deps.db.user.findUniqueOrThrow({ where: { email: 'robin@example.com' } });
    assert.equal(stored.role, 'SUPERVISOR');

    // The last admin cannot step down; the select goes back to Admin.
    const self = rows.filter({ hasText: 'admin@example.com' });
    await self.getByTestId('user-role').selectOption('AGENT');
    await waitFor(async () => /last admin/.test((await page.getByTestId('users-message').textContent()) ?? ''), 'the last-admin refusal');
    await waitFor(async () => (await self.getByTestId('user-role').inputValue()) === 'ADMIN', 'the role select restored');

    const supervisor = await suite.newPage(1280, 900);
    await signInAs(supervisor, url, 'supervisor@example.com', '/supervisor');
    await supervisor.goto(`${url}/admin/users`);
    await supervisor.waitForURL(/\/login\?next=%2Fadmin%2Fusers&reason=role/);
  });

  it('lists users a page at a time, with the next page on request', async () => {
    const url = suite.server.url;
    const { db } = suite.server.deps;
    await db.user.createMany({
      data: Array.from({ length: 210 }, (_, i) => ({
        email: `bulk${String(i).padStart(3, '0')}@example.com`,
        name: `Bulk ${String(i).padStart(3, '0')}`,
        role: 'AGENT' as const,
        passwordHash: 'not-a-password',
      })),
    });
    const total = await db.user.count();
    const page = await suite.newPage(1280, 900);
    await signInAs(page, url, 'admin@example.com', '/admin/users');
    await page.getByTestId('users-more').waitFor();
    assert.equal(await page.getByTestId('user-row').count(), 200, 'one page first');
    await page.getByTestId('users-more').click();
    await page.getByTestId('users-more').waitFor({ state: 'detached' });
    assert.equal(await page.getByTestId('user-row').count(), total, 'then the rest, none twice');
  });
});
