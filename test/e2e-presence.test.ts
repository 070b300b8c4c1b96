import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './support/browser.ts';
import { agentJoins, agentView, customerStarts, hasNotice, recordPresence } from './support/cobrowse-pages.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { waitFor } from './support/wait-for.ts';

/** Long enough to see "gone" (after the 3 s reconnect grace) and reload the agent's page first. */
const TIMEOUT_SECONDS = 12;

const presence = (agent: Page) => agent.getByTestId('customer-presence');
const presenceKind = (agent: Page) => presence(agent).getAttribute('data-presence', { timeout: 1000 });

/** Whether `expected` occurs in `seen` in order (other values may come between). */
const inOrder = (seen: string[], expected: string[]) => {
  let at = 0;
  for (const kind of seen) if (kind === expected[at]) at++;
  return at === expected.length;
};

describe('customer presence and connection round-trip in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  before(async () => {
    server = await startTestServer({ pages: true, config: { customerGoneTimeoutSeconds: TIMEOUT_SECONDS } });
    browser = await launchBrowser();
    await mkdir('test-results', { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  const newPage = async (width = 1280, height = 800) => (await browser.newContext({ viewport: { width, height } })).newPage();

  it('shows both sides their round-trip time, and the customer reconnecting then connected across a reload', async () => {
    const customer = await newPage();
    const agent = await newPage(1440, 900);
    const code = await customerStarts(customer, server.url, '/demo');
    await agentJoins(agent, server.url, code);
    await waitFor(async () => (await presenceKind(agent)) === 'connected', 'the customer shown connected');
    assert.equal(await presence(agent).textContent(), 'Customer connected');

    // The round-trip time: a live number on both sides, measured by ping/pong on each side's own socket.
    const agentRtt = await waitFor(
      async () => (await agent.getByTestId('connection-rtt').textContent())?.match(/^RTT (\d+) ms$/),
      'the agent RTT',
    );
    assert.ok(Number(agentRtt[1]) < 2000);
    const customerRtt = await waitFor(
      async () => (await customer.getByTestId('cobrowse-rtt').textContent())?.match(/(\d+) ms round trip/),
      'the customer RTT',
    );
    assert.ok(Number(customerRtt[1]) < 2000);
    await waitFor(() => agentView(agent).getByTestId('demo-counter').count(), 'the page in the agent view');
    await agent.screenshot({ path: 'test-results/presence-agent-connected.png' });
    await customer.screenshot({ path: 'test-results/presence-widget-rtt.png' });

    // The customer reloads: the agent sees them drop and come back, never "gone", and the session goes on.
    const seen = await recordPresence(agent);
    await customer.reload();
    const expected = ['connected', 'reconnecting', 'connected'];
    const kinds = await waitFor(async () => {
      const recorded = await seen();
      if (!inOrder(recorded, expected)) throw new Error(`presence so far ${recorded.join(' → ')}`);
      return recorded;
    }, 'the customer back after the reload');
    assert.deepEqual(kinds, expected, `presence went ${kinds.join(' → ')}`);
    await customer.getByTestId('demo-counter-button').click();
    const counter = await customer.getByTestId('demo-counter').textContent();
    await waitFor(
      async () => (await agentView(agent).getByTestId('demo-counter').textContent()) === counter,
      'the agent view to follow after the reload',
    );
    await agent.getByTestId('exit-session').click();
    await hasNotice(agent, 'agent-notice', /you ended/i);
  });

  it('shows a closed browser as gone (also after the agent reloads), then ends the session by timeout and frees the agent', async () => {
    const customer = await newPage();
    const agent = await newPage(1440, 900);
    const code = await customerStarts(customer, server.url, '/demo/help');
    await agentJoins(agent, server.url, code, 'agent2@example.com');
    await waitFor(async () => (await presenceKind(agent)) === 'connected', 'the customer shown connected');

    await customer.context().close();
    const closedAt = Date.now();
    await waitFor(async () => (await presenceKind(agent)) === 'gone', 'the customer shown gone', 8000);
    assert.match((await presence(agent).textContent()) ?? '', /^Customer gone for 0:0\d/);
    assert.ok(Date.now() - closedAt < 8000);
    await agent.screenshot({ path: 'test-results/presence-agent-gone.png' });

    // The agent reloads while the customer is away: still "gone", never "connected".
    await agent.reload();
    const afterReload = await waitFor(async () => {
      const kind = await presenceKind(agent);
      return kind && kind !== 'unknown' ? kind : null;
    }, 'the presence after the reload');
    assert.equal(afterReload, 'gone');
    assert.ok(Date.now() - closedAt < TIMEOUT_SECONDS * 1000, 'checked before the timeout');

    // Past the timeout the server ends the session: the agent is told and is free to join another.
    await hasNotice(agent, 'agent-notice', /customer was gone for too long/i);
    assert.ok(Date.now() - closedAt >= TIMEOUT_SECONDS * 1000 - 500, 'not before the configured timeout');
    await waitFor(() => agent.getByTestId('session-id-input').isVisible(), 'the join form back');
    const ended = await server.deps.db.session.findFirstOrThrow({ where: { code } });
    assert.equal(ended.endReason, 'timeout');

    const next = await newPage();
    const nextCode = await customerStarts(next, server.url, '/demo');
    await agent.getByTestId('session-id-input').fill(nextCode);
    await agent.getByTestId('session-join').click();
    await hasNotice(agent, 'agent-notice', /connected to session/i);
    await waitFor(async () => (await presenceKind(agent)) === 'connected', 'the new customer shown connected');
    await agent.getByTestId('exit-session').click();
  });
});
