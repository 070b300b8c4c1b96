import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signInAs } from './support/browser.ts';
import { browserSuite } from './support/cobrowse-pages.ts';
import { gql, signIn, startCustomerSession } from './support/graphql-client.ts';
import { waitFor } from './support/wait-for.ts';

describe('the supervisor page in Chromium', () => {
  const suite = browserSuite();

  it('lists sessions and shows one session’s audit history with its chain check', async () => {
    const url = suite.server.url;
    const session = await startCustomerSession(url);
    const agent = await signIn(url, 'agent2@example.com');
    await gql(url, 'mutation($c: String!){ joinSession(code: $c){ id } }', { c: session.code }, { cookie: agent });
    await gql(url, 'mutation($id: ID!){ exitSession(sessionId: $id){ id } }', { id: session.id }, { cookie: agent });

    const page = await suite.newPage(1280, 800);
    await signInAs(page, url, 'supervisor@example.com', '/supervisor');
    const shownCode = session.code.replace(/(\d{3})(\d{3})(\d{3})/, '$1 $2 $3');
    await page.getByRole('button', { name: shownCode }).click();
    await waitFor(
      async () => /Chain intact \(4 events\)/.test((await page.getByTestId('audit-verification').textContent()) ?? ''),
      'the chain check',
    );
    const history = (await page.getByTestId('audit-history').textContent()) ?? '';
    for (const step of ['Session started', 'Agent joined', 'Agent left', 'Session ended'])
      assert.ok(history.includes(step), `${step} in ${history}`);

    // The list is live: a session started now shows up without a refresh.
    const next = await startCustomerSession(url);
    await page.getByRole('button', { name: next.code.replace(/(\d{3})(\d{3})(\d{3})/, '$1 $2 $3') }).waitFor({ timeout: 10_000 });

    // An agent cannot open the supervisor page.
    const agentPage = await suite.newPage(1280, 800);
    await signInAs(agentPage, url, 'agent@example.com', '/agent');
    await agentPage.goto(`${url}/supervisor`);
    await agentPage.waitForURL(/\/login\?next=%2Fsupervisor&reason=role/);
  });
});
