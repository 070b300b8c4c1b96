import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, signInAs } from './browser.ts';
import type { StartOptions } from '../../server/start-server.ts';
import { startTestServer, type TestServer } from './test-server.ts';
import { waitFor } from './wait-for.ts';

/** The customer starts co-browse on a demo page; returns the 9-digit ID they see. */
export async function customerStarts(customer: Page, baseUrl: string, path: string, { settled = false } = {}): Promise<string> {
  // Settled: Next.js has also prefetched the page's links, which adds their scripts to the page.
  await customer.goto(`${baseUrl}${path}`, settled ? { waitUntil: 'networkidle' } : {});
  return startOnPage(customer);
}

/** The customer starts co-browse on the page they are on (what they typed stays); returns the 9-digit ID they see. */
export async function startOnPage(customer: Page): Promise<string> {
  await customer.getByTestId('cobrowse-start').click();
  const shown = await waitFor(
    async () => (await customer.getByTestId('cobrowse-session-id').textContent())?.replace(/\D/g, ''),
    'the session ID',
  );
  assert.match(shown, /^\d{9}$/);
  return shown;
}

/** An agent signs in and joins by ID through the agent page. */
export async function agentJoins(agent: Page, baseUrl: string, code: string, email = 'agent@example.com'): Promise<void> {
  await signInAs(agent, baseUrl, email);
  await agent.getByTestId('session-id-input').fill(code);
  await agent.getByTestId('session-join').click();
}

/** Waits until a notice (testid `cobrowse-notice` or `agent-notice`) matches. */
export const hasNotice = (page: Page, testId: string, pattern: RegExp) =>
  waitFor(
    async () => (await page.getByTestId(testId).allTextContents()).some((text) => pattern.test(text)),
    `a ${testId} matching ${pattern}`,
  );

/**
 * Counts the agent's clicks shown on the customer's page from now on (each draws a ring in the
 * widget's shadow root for a second): a MutationObserver sees every ring, however short-lived.
 */
export async function countClickRings(customer: Page): Promise<() => Promise<number>> {
  await customer.evaluate(() => {
    const seen = window as unknown as { clickRingsSeen: number };
    seen.clickRingsSeen = 0;
    new MutationObserver((records) => {
      for (const record of records)
        for (const node of record.addedNodes) if ((node as HTMLElement).dataset?.testid === 'cobrowse-click-ring') seen.clickRingsSeen++;
    }).observe(document.getElementById('cobrowse-widget-root')!.shadowRoot!, { childList: true, subtree: true });
  });
  return () => customer.evaluate(() => (window as unknown as { clickRingsSeen: number }).clickRingsSeen);
}

/** The customer's page as the agent sees it, inside the co-browse area's iframe. */
export const agentView = (agent: Page) => agent.frameLocator('[data-testid=cobrowse-view] iframe');

/**
 * For a browser suite: a real server with pages and a Chromium, started before the suite's tests
 * and stopped after them, with `config` on top of the test defaults. `newPage` opens a page in a fresh
 * context (its own cookies).
 */
export function browserSuite(config: StartOptions['config'] = {}) {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  before(async () => {
    server = await startTestServer({ pages: true, config });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  return {
    get server(): TestServer {
      return server!;
    },
    newPage: async (width: number, height: number): Promise<Page> => (await browser!.newContext({ viewport: { width, height } })).newPage(),
  };
}

/**
 * Records every value the agent page's presence takes, from a MutationObserver in the page: each
 * change is seen as the page makes it, so the record is never behind what the page shows.
 */
export async function recordPresence(agent: Page): Promise<() => Promise<string[]>> {
  await agent.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { presenceSeen: string[] }).presenceSeen = seen;
    // Unnamed callbacks only: tsx would wrap a named one in a helper the page does not have.
    new MutationObserver(() => {
      const kind = document.querySelector('[data-testid=customer-presence]')?.getAttribute('data-presence');
      if (kind && seen.at(-1) !== kind) seen.push(kind);
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-presence'] });
    const kind = document.querySelector('[data-testid=customer-presence]')?.getAttribute('data-presence');
    if (kind) seen.push(kind);
  });
  return () => agent.evaluate(() => [...(window as unknown as { presenceSeen: string[] }).presenceSeen]);
}
