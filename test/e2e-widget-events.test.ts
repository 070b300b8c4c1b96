import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './support/browser.ts';
import { customerStarts } from './support/cobrowse-pages.ts';
import { gql, signIn, wsClient, wsCollect } from './support/graphql-client.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { waitFor } from './support/wait-for.ts';

// What a page embedding the widget can listen to with Cobrowse.on.
const LISTEN = `(() => {
  window.seen = [];
  for (const event of ['mode', 'supervisor', 'error']) window.Cobrowse.on(event, (detail) => window.seen.push({ event, ...detail }));
})()`;

describe('widget events a page can listen to (Cobrowse.on), in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  before(async () => {
    // One start a minute from one address: a second is refused for real, which the page hears as an error.
    server = await startTestServer({ pages: true, config: { startSessionsPerAddressPerMinute: 1 } });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const seen = (page: Page) => page.evaluate(() => (window as unknown as { seen: Record<string, unknown>[] }).seen);
  const waitSeen = (page: Page, match: (event: Record<string, unknown>) => boolean, what: string) =>
    waitFor(async () => (await seen(page)).find(match), what);

  it('reports Write Mode on and off, a supervisor watching and leaving, and errors with their code', async () => {
    const customer = await (await browser.newContext()).newPage();
    const code = await customerStarts(customer, server.url, '/demo');
    await customer.evaluate(LISTEN);
    const { id } = (await server.deps.db.session.findUniqueOrThrow({ where: { code } })) as { id: string };

    const agent = await signIn(server.url, 'agent@example.com');
    assert.ok((await gql(server.url, 'mutation($c: String!){ joinSession(code: $c){ id } }', { c: code }, { cookie: agent })).data);
    assert.ok((await gql(server.url, 'mutation($id: ID!){ requestWriteMode(sessionId: $id){ id } }', { id }, { cookie: agent })).data);
    await customer.getByTestId('cobrowse-approve-write').click();
    await waitSeen(customer, (event) => event.event === 'mode' && event.mode === 'WRITE', 'Write Mode on');
    assert.ok((await gql(server.url, 'mutation($id: ID!){ setPointerMode(sessionId: $id){ id } }', { id }, { cookie: agent })).data);
    await waitSeen(
      customer,
      (event) => event.event === 'mode' && event.mode === 'POINTER' && event.by === 'AGENT',
      'Pointer Mode by the agent',
    );

    const supervisor = wsClient(server.url, { cookie: await signIn(server.url, 'supervisor@example.com') });
    const watching = wsCollect(supervisor, 'subscription($id: ID!){ sessionStream(sessionId: $id) }', { id });
    await watching.next();
    const joined = await waitSeen(customer, (event) => event.event === 'supervisor' && event.watching === true, 'a supervisor watching');
    assert.equal(joined.name, 'Sam Supervisor');
    await supervisor.dispose();
    await waitSeen(customer, (event) => event.event === 'supervisor' && event.watching === false, 'the supervisor leaving');

    // Another page from the same address: its start, the second in a minute, is refused by the server.
    await customer.getByTestId('cobrowse-exit').click();
    const other = await (await browser.newContext()).newPage();
    await other.goto(`${server.url}/demo`);
    await other.getByTestId('cobrowse-start').waitFor();
    await other.evaluate(LISTEN);
    await other.evaluate(() => (window as unknown as { Cobrowse: { start(): Promise<unknown> } }).Cobrowse.start().catch(() => {}));
    const error = await waitSeen(other, (event) => event.event === 'error', 'an error event');
    assert.equal(error.code, 'RATE_LIMITED');
    assert.match(String(error.message), /Too many/);
  });
});
