import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, signInAs } from './support/browser.ts';
import { hasNotice } from './support/cobrowse-pages.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { waitFor } from './support/wait-for.ts';

/** A customer site of its own origin that tells the widget who the customer is in the script tag. */
function startSite(widgetUrl: () => string): Promise<{ origin: string; server: Server }> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    const metadata = JSON.stringify({ name: 'Dana Data', email: 'Dana@Example.com', fields: { plan: 'gold' } });
    response.end(
      `<!doctype html><title>Shop</title><body><h1>Your basket</h1><script src="${widgetUrl()}" data-cobrowse-metadata='${metadata}'></script></body>`,
    );
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server })),
  );
}

describe('who the customer is, in Chromium', () => {
  let server: TestServer;
  let site: { origin: string; server: Server };
  let browser: Browser;
  const newPage = async (): Promise<Page> => (await browser.newContext({ viewport: { width: 1360, height: 860 } })).newPage();

  before(async () => {
    site = await startSite(() => `${server.url}/widget.js`);
    server = await startTestServer({ pages: true, config: { allowedOrigins: [site.origin] } });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    site?.server.close();
  });

  async function joinByIdentity(agent: Page, identity: string) {
    await agent.getByTestId('session-id-input').fill(identity);
    await agent.getByTestId('session-join').click();
    await agent.getByTestId('customer-presence').waitFor();
  }

  it('the script tag’s metadata reaches the agent, who joins by the customer’s e-mail; supervisors find it', async () => {
    const customer = await newPage();
    await customer.goto(site.origin);
    await customer.getByTestId('cobrowse-start').click();
    await customer.getByTestId('cobrowse-session-id').waitFor();

    const agent = await newPage();
    await signInAs(agent, server.url, 'agent@example.com');
    await joinByIdentity(agent, 'dana@example.com');
    const card = agent.getByTestId('customer-info');
    await waitFor(async () => /Dana Data/.test((await card.textContent()) ?? ''), 'the customer card');
    assert.match((await card.textContent()) ?? '', /dana@example\.com/);
    assert.match((await card.textContent()) ?? '', /plan: gold/);
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
    await joinByIdentity(agent, 'ACC-7731');
    await waitFor(async () => /Eve Example/.test((await agent.getByTestId('customer-info').textContent()) ?? ''), 'the customer card');
    assert.match((await agent.getByTestId('customer-info').textContent()) ?? '', /Account ACC-7731/);

    // A wrong e-mail is answered like a wrong code.
    await agent.getByTestId('exit-session').click();
    await agent.getByTestId('session-id-input').fill('nobody@example.com');
    await agent.getByTestId('session-join').click();
    await hasNotice(agent, 'agent-notice', /cannot be joined/);
    await Promise.all([customer.context().close(), agent.context().close()]);
  });
});
