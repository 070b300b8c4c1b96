import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { signIdentityToken } from '../server/sessions/identity-signature.ts';
import { launchBrowser, signInAs } from './support/browser.ts';
import { hasNotice } from './support/cobrowse-pages.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { waitFor } from './support/wait-for.ts';

/**
 * A customer site of its own origin that tells the widget who the customer is in the script tag:
 * as the page says (/), as its backend signs it with the identity secret (/signed), or an
 * attacker's page claiming the signed customer's e-mail unsigned (/claims).
 */
function startSite(widgetUrl: () => string, secret: () => string | null): Promise<{ origin: string; server: Server }> {
  let origin = '';
  const server = createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    const vera = { name: 'Vera Victim', email: 'vera@example.com' };
    const metadata = JSON.stringify(
      request.url === '/signed'
        ? { identityToken: signIdentityToken({ ...vera, aud: origin, exp: Math.floor(Date.now() / 1000) + 600 }, secret() ?? 'none') }
        : request.url === '/claims'
          ? vera
          : { name: 'Dana Data', email: 'Dana@Example.com', fields: { plan: 'gold' } },
    );
    response.end(
      `<!doctype html><title>Shop</title><body><h1>Your basket</h1><script src="${widgetUrl()}" data-cobrowse-metadata='${metadata}'></script></body>`,
    );
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve({ origin, server });
    }),
  );
}

describe('who the customer is, in Chromium', () => {
  let server: TestServer;
  let site: { origin: string; server: Server };
  let browser: Browser;
  /** The identity secret as the admin copied it to the site's backend. */
  let siteSecret: string | null = null;
  const newPage = async (): Promise<Page> => (await browser.newContext({ viewport: { width: 1360, height: 860 } })).newPage();

  before(async () => {
    site = await startSite(
      () => `${server.url}/widget.js`,
      () => siteSecret,
    );
    server = await startTestServer({ pages: true, config: { allowedOrigins: [site.origin] } });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    site?.server.close();
  });

  /** Joins an unverified customer by who they are: the page asks for the last digits of the ID they read out. */
  async function joinByIdentity(agent: Page, identity: string, code: string) {
    await agent.getByTestId('session-id-input').fill(identity);
    await agent.getByTestId('session-join').click();
    await agent.getByTestId('confirm-digits-input').fill(code.replace(/\D/g, '').slice(-4));
    await agent.getByTestId('confirm-digits-join').click();
    await agent.getByTestId('customer-presence').waitFor();
  }

  it('the script tag’s metadata reaches the agent, who joins by the customer’s e-mail; supervisors find it', async () => {
    const customer = await newPage();
    await customer.goto(site.origin);
    await customer.getByTestId('cobrowse-start').click();
    await customer.getByTestId('cobrowse-session-id').waitFor();
    const code = (await customer.getByTestId('cobrowse-session-id').textContent()) ?? '';

    const agent = await newPage();
    await signInAs(agent, server.url, 'agent@example.com');
    await joinByIdentity(agent, 'dana@example.com', code);
    const card = agent.getByTestId('customer-info');
    await waitFor(async () => /Dana Data/.test((await card.textContent()) ?? ''), 'the customer card');
    assert.match((await card.textContent()) ?? '', /dana@example\.com/);
    assert.match((await card.textContent()) ?? '', /plan: gold/);
    assert.equal(await card.getByTestId('customer-unverified').textContent(), 'Unverified', 'the page said it, unsigned');
    await hasNotice(customer, 'cobrowse-notice', /joined|connected/i);
    await agent.screenshot({ path: 'test-results/agent-customer-card.png' });
    await agent.getByTestId('exit-session').click();

    const supervisor = await newPage();
    await signInAs(supervisor, server.url, 'supervisor@example.com', '/supervisor');
    await supervisor.getByTestId('supervisor-filter-customer').fill('dana@example.com');
    const rows = supervisor.getByTestId('supervisor-history-customer');
    await waitFor(
      async () => (await rows.allTextContents()).length === 1 && (await rows.allTextContents())[0] === 'Dana Data',
      'one row for Dana',
    );
    await supervisor.getByTestId('supervisor-filter-customer').fill('nobody@example.com');
    await waitFor(async () => (await rows.count()) === 0, 'no rows for an unknown customer');
    await Promise.all([customer.context().close(), agent.context().close(), supervisor.context().close()]);
  });

  it('Cobrowse.start({ metadata }) from the page, joined by account ID', async () => {
    const customer = await newPage();
    await customer.goto(`${server.url}/demo`);
    await customer.getByTestId('cobrowse-start').waitFor();
    const code = await customer.evaluate(async () => {
      const api = (window as unknown as { Cobrowse: { start(options: unknown): Promise<{ code: string }> } }).Cobrowse;
      return (await api.start({ metadata: { name: 'Eve Example', accountId: 'ACC-7731' } })).code;
    });
    assert.match(code, /^\d{9}$/);

    const agent = await newPage();
    await signInAs(agent, server.url, 'agent2@example.com');
    await joinByIdentity(agent, 'ACC-7731', code);
    await waitFor(async () => /Eve Example/.test((await agent.getByTestId('customer-info').textContent()) ?? ''), 'the customer card');
    assert.match((await agent.getByTestId('customer-info').textContent()) ?? '', /Account ACC-7731/);

    // A wrong e-mail is answered like a wrong code.
    await agent.getByTestId('exit-session').click();
    await agent.getByTestId('session-id-input').fill('nobody@example.com');
    await agent.getByTestId('session-join').click();
    await hasNotice(agent, 'agent-notice', /cannot be joined/);
    await Promise.all([customer.context().close(), agent.context().close()]);
  });

  it('an admin makes the identity secret; the signed customer shows verified, a page claiming the same e-mail is listed as Unverified beside it', async () => {
    const admin = await newPage();
    await signInAs(admin, server.url, 'admin@example.com', '/admin');
    await admin.getByTestId('identity-secret-generate').click();
    siteSecret = (await admin.getByTestId('identity-secret').textContent())!.trim();
    assert.match(siteSecret, /^cbid_/);
    await waitFor(
      async () => /A secret is set/.test((await admin.getByTestId('identity-secret-status').textContent()) ?? ''),
      'the status',
    );
    await admin.reload();
    await admin.getByTestId('identity-secret-status').waitFor();
    assert.equal(await admin.getByTestId('identity-secret').count(), 0, 'shown once: not after a reload');

    const victim = await newPage();
    await victim.goto(`${site.origin}/signed`);
    await victim.getByTestId('cobrowse-start').click();
    await victim.getByTestId('cobrowse-session-id').waitFor();
    const attacker = await newPage();
    await attacker.goto(`${site.origin}/claims`);
    await attacker.getByTestId('cobrowse-start').click();
    await attacker.getByTestId('cobrowse-session-id').waitFor();
    const attackerCode = (await attacker.getByTestId('cobrowse-session-id').textContent()) ?? '';

    const agent = await newPage();
    await signInAs(agent, server.url, 'agent@example.com');
    await agent.getByTestId('session-id-input').fill('vera@example.com');
    await agent.getByTestId('session-join').click();
    const choices = agent.getByTestId('customer-session-choice');
    await waitFor(async () => (await choices.count()) === 2, 'both waiting sessions listed');
    // Newest first: the attacker's, marked; the victim's, not.
    assert.equal(await choices.nth(0).getByTestId('customer-unverified').count(), 1);
    assert.equal(await choices.nth(1).getByTestId('customer-unverified').count(), 0);
    assert.ok(
      !((await agent.getByTestId('customer-join').textContent()) ?? '').includes(attackerCode.replace(/\D/g, '')),
      'no session ID listed',
    );
    await agent.screenshot({ path: 'test-results/agent-customer-choices.png' });

    // Choosing the unverified one asks for the digits its customer reads out; the verified one needs none.
    await choices.nth(0).getByTestId('customer-session-choose').click();
    await agent.getByTestId('confirm-digits-input').waitFor();
    await choices.nth(1).getByTestId('customer-session-choose').click();
    await agent.getByTestId('customer-presence').waitFor();
    const card = agent.getByTestId('customer-info');
    await waitFor(async () => /Vera Victim/.test((await card.textContent()) ?? ''), 'the customer card');
    assert.equal(await card.getByTestId('customer-unverified').count(), 0, 'verified: no badge');
    await hasNotice(victim, 'cobrowse-notice', /joined|connected/i);
    await agent.getByTestId('exit-session').click();
    await Promise.all([admin, victim, attacker, agent].map((page) => page.context().close()));
  });
});
