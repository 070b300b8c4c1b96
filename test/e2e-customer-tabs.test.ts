import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, signInAs } from './support/browser.ts';
import { agentJoins, agentView, customerStarts, hasNotice, recordPresence } from './support/cobrowse-pages.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { waitFor } from './support/wait-for.ts';

/**
 * Headless Chromium reports every page of a context as visible, whichever is in front: each page's
 * document here answers `visibilityState` from a flag the test sets, and hears `visibilitychange`
 * when it changes, as a real browser's tabs do when the customer switches between them.
 */
async function emulateTabVisibility(context: BrowserContext): Promise<void> {
  // A string: tsx would wrap the functions of a script written here in a helper the page does not have.
  await context.addInitScript({
    content: `(() => {
      if (new URLSearchParams(location.search).has(${JSON.stringify(BACKGROUND_TAB)})) window.tabHidden = true;
      const state = () => (window.tabHidden ? 'hidden' : 'visible');
      Object.defineProperty(Document.prototype, 'visibilityState', { get: state, configurable: true });
      Object.defineProperty(Document.prototype, 'hidden', { get: () => state() === 'hidden', configurable: true });
    })();`,
  });
}

/** The query parameter of a page the test opens in the background (stripped from every address sent). */
const BACKGROUND_TAB = 'cobrowse-test-background';

/** Shows or hides a tab, as switching tabs does (the hidden one first, as browsers do). */
async function setShown(page: Page, shown: boolean): Promise<void> {
  await page.evaluate((hidden) => {
    (window as unknown as { tabHidden?: boolean }).tabHidden = hidden;
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
  }, !shown);
}

async function switchTab(from: Page, to: Page): Promise<void> {
  await setShown(from, false);
  await to.bringToFront();
  await setShown(to, true);
}

/** Every WebSocket frame the page (and its workers) sends from now on, text and binary. */
function captureSentFrames(page: Page): { all: string[]; uploads: string[] } {
  const frames = { all: [] as string[], uploads: [] as string[] };
  page.on('websocket', (socket) =>
    socket.on('framesent', ({ payload }) => {
      frames.all.push(payload.toString());
      if (typeof payload !== 'string') frames.uploads.push(payload.toString());
    }),
  );
  return frames;
}

const indicator = (agent: Page) => agent.getByTestId('tab-indicator');
const indicatorText = async (agent: Page) => ((await indicator(agent).count()) ? await indicator(agent).textContent() : null);
const sessionCode = async (page: Page) => (await page.getByTestId('cobrowse-session-id').textContent())?.replace(/\D/g, '');

/** Opens `path` from `page` as a link with target=_blank does (no opener: nothing is copied to the new tab). */
async function openInNewTab(page: Page, path: string): Promise<Page> {
  const [opened] = await Promise.all([
    page.context().waitForEvent('page'),
    page.evaluate((href) => {
      const link = Object.assign(document.createElement('a'), { href, target: '_blank', textContent: 'Open' });
      document.body.append(link);
      link.click();
      link.remove();
    }, path),
  ]);
  await opened.waitForLoadState();
  return opened;
}

describe('co-browse sessions that follow the customer across tabs, in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  before(async () => {
    server = await startTestServer({ pages: true });
    browser = await launchBrowser();
    await mkdir('test-results', { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('continues the session in a new tab, streams only the shown tab, survives closing one tab and ends everywhere on exit', async () => {
    const customerContext = await browser.newContext({ viewport: { width: 1100, height: 760 } });
    await emulateTabVisibility(customerContext);
    const first = await customerContext.newPage();
    const firstFrames = captureSentFrames(first);
    const agent = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    const code = await customerStarts(first, server.url, '/demo');
    await agentJoins(agent, server.url, code);
    await waitFor(() => agentView(agent).getByTestId('demo-counter').count(), 'the first tab in the agent view');
    await waitFor(async () => (await agent.getByTestId('customer-presence').getAttribute('data-presence')) === 'connected', 'connected');
    // One tab: nothing to tell apart.
    assert.equal(await indicator(agent).count(), 0);
    // The capture sees this tab's uploads while it is shown.
    await waitFor(() => firstFrames.uploads.length > 0, 'the first tab’s uploads in the capture');

    // A link opened in a new tab continues the session there, and the agent follows it.
    const seen = await recordPresence(agent);
    const second = await openInNewTab(first, '/demo/help');
    const secondFrames = captureSentFrames(second);
    await setShown(first, false);
    assert.equal(await first.evaluate(() => document.visibilityState), 'hidden', 'the emulated visibility');
    assert.equal(await waitFor(() => sessionCode(second), 'the session ID in the new tab'), code);
    await waitFor(async () => (await indicatorText(agent)) === 'Tab 2 of 2 · /demo/help', 'the indicator on the new tab');
    await waitFor(() => agentView(agent).getByText('Help centre').count(), 'the new tab in the agent view');
    assert.equal(await agentView(agent).getByTestId('demo-counter').count(), 0);
    await agent.screenshot({ path: 'test-results/tabs-agent-second-tab.png' });
    // The tab that joined opened the session's stream once (its actions would otherwise run twice).
    const streams = secondFrames.all.filter((frame) => frame.includes('"type":"subscribe"') && frame.includes('sessionStream'));
    assert.equal(streams.length, 1, 'stream subscriptions of the new tab');
    // The new tab's socket was up before the first tab's closed: the customer never looked gone.
    const takingOver = await seen();
    assert.ok(
      takingOver.every((kind) => kind === 'connected'),
      `presence went ${takingOver.join(' → ')} while the new tab took over`,
    );
    // A supervisor watching sees the same tab.
    const supervisor = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
    const { id: sessionId } = await server.deps.db.session.findFirstOrThrow({ where: { code } });
    await signInAs(supervisor, server.url, 'supervisor@example.com', '/supervisor');
    await supervisor.goto(`${server.url}/supervisor/watch?session=${sessionId}`);
    await waitFor(
      async () => (await indicatorText(supervisor)) === 'Tab 2 of 2 · /demo/help',
      'the indicator on the supervisor’s watch page',
    );
    await supervisor.screenshot({ path: 'test-results/tabs-supervisor-watch.png' });
    await supervisor.context().close();

    // The hidden first tab records and sends nothing, while the shown one keeps streaming.
    const sentBefore = firstFrames.all.length;
    await first.getByTestId('demo-counter-button').click();
    await first.getByTestId('demo-counter-button').click();
    const changedTo = await first.getByTestId('demo-counter').textContent();
    const uploadsBefore = secondFrames.uploads.length;
    await second.locator('summary').first().click();
    await waitFor(() => agentView(agent).locator('details[open]').count(), 'the second tab’s change in the agent view');
    await waitFor(() => secondFrames.uploads.length > uploadsBefore, 'the second tab’s uploads');
    assert.deepEqual(firstFrames.all.slice(sentBefore), [], 'the hidden tab sent nothing');

    // A reload of the shown tab keeps the session in it, and the agent's view of it.
    await second.reload();
    assert.equal(await waitFor(() => sessionCode(second), 'the session ID after the reload'), code);
    await waitFor(() => agentView(agent).getByText('Help centre').count(), 'the reloaded tab in the agent view');
    await waitFor(async () => (await indicatorText(agent)) === 'Tab 2 of 2 · /demo/help', 'the indicator after the reload');

    // Back to the first tab: it takes the stream over with a fresh snapshot, showing what changed while hidden.
    const seenWhileSwitching = await recordPresence(agent);
    await switchTab(second, first);
    await waitFor(async () => (await indicatorText(agent)) === 'Tab 1 of 2 · /demo', 'the indicator back on the first tab');
    await waitFor(
      async () => (await agentView(agent).getByTestId('demo-counter').textContent()) === changedTo,
      'the first tab, as it is now, in the agent view',
    );
    await agent.screenshot({ path: 'test-results/tabs-agent-first-tab.png' });
    const switching = await seenWhileSwitching();
    assert.ok(
      switching.every((kind) => kind === 'connected'),
      `presence went ${switching.join(' → ')} while switching tabs`,
    );
    const hiddenSentFrom = secondFrames.all.length;

    // Closing the hidden tab keeps the session: the first tab holds it, the indicator goes.
    await second.close({ runBeforeUnload: true });
    await waitFor(async () => (await indicator(agent).count()) === 0, 'the indicator gone with the closed tab');
    assert.deepEqual(secondFrames.all.slice(hiddenSentFrom), [], 'the hidden second tab sent nothing before it closed');
    await first.getByTestId('demo-counter-button').click();
    const counter = await first.getByTestId('demo-counter').textContent();
    await waitFor(
      async () => (await agentView(agent).getByTestId('demo-counter').textContent()) === counter,
      'the first tab still streams',
    );

    // A third tab takes over; closing it while the first tab is hidden keeps the session, which the first tab takes back.
    const third = await openInNewTab(first, '/demo/help');
    await setShown(first, false);
    await waitFor(async () => (await indicatorText(agent)) === 'Tab 2 of 2 · /demo/help', 'the indicator on the third tab');
    await third.close({ runBeforeUnload: true });
    await waitFor(async () => (await agent.getByTestId('customer-presence').getAttribute('data-presence')) === 'connected', 'connected');
    await setShown(first, true);
    await waitFor(() => agentView(agent).getByTestId('demo-counter').count(), 'the first tab in the agent view again');
    assert.equal((await server.deps.db.session.findFirstOrThrow({ where: { code } })).status, 'ACTIVE');
    // Closing the tab that held the socket while no tab was shown: at most a moment's reconnecting, never gone.
    const presence = await seen();
    assert.ok(!presence.includes('gone'), `presence went ${presence.join(' → ')}`);

    // A tab opened in the background (a middle-click) shows the session, sends nothing, and streams once shown.
    const [fourth] = await Promise.all([
      customerContext.waitForEvent('page'),
      first.evaluate((parameter) => window.open(`/demo/help?${parameter}=1#top`, '_blank', 'noopener'), BACKGROUND_TAB),
    ]);
    const fourthFrames = captureSentFrames(fourth);
    await fourth.waitForURL(/\/demo\/help/);
    await fourth.waitForLoadState();
    assert.equal(await fourth.evaluate(() => document.visibilityState), 'hidden');
    assert.equal(await waitFor(() => sessionCode(fourth), 'the session ID in the background tab'), code);
    await waitFor(async () => (await indicatorText(agent)) === 'Tab 1 of 2 · /demo', 'the shown first tab counting the background one');
    assert.equal(await agentView(agent).getByTestId('demo-counter').count(), 1);
    assert.deepEqual(fourthFrames.all, [], 'the background tab sent nothing');
    await switchTab(first, fourth);
    await waitFor(async () => (await indicatorText(agent)) === 'Tab 2 of 2 · /demo/help', 'the indicator on the fourth tab');
    await waitFor(() => fourthFrames.uploads.length > 0, 'the fourth tab’s uploads once shown');

    // Exit from one tab ends the session in every tab: each shows the Start button again.
    await fourth.getByTestId('cobrowse-exit').click();
    await hasNotice(agent, 'agent-notice', /customer ended/i);
    await waitFor(() => fourth.getByTestId('cobrowse-start').isVisible(), 'the Start button in the tab that exited');
    await waitFor(() => first.getByTestId('cobrowse-start').isVisible(), 'the Start button in the other tab');
    assert.equal(await first.getByTestId('cobrowse-session-id').isVisible(), false);
    // Nothing says a session runs any more: a new tab shows the Start button, not the ended session.
    const fifth = await openInNewTab(fourth, '/demo');
    await waitFor(() => fifth.getByTestId('cobrowse-start').isVisible(), 'the Start button in a new tab');
    assert.equal(await fifth.evaluate(() => localStorage.getItem('cobrowse:live')), null);

    // A tab of the site already open, without a session, joins one started elsewhere once the customer switches to it.
    await setShown(fifth, false);
    await setShown(first, true);
    await first.getByTestId('cobrowse-start').click();
    const nextCode = await waitFor(async () => {
      const shown = await sessionCode(first);
      return shown && shown !== code ? shown : null;
    }, 'the new session ID');
    assert.equal(await fifth.getByTestId('cobrowse-start').isVisible(), true);
    await switchTab(first, fifth);
    assert.equal(await waitFor(() => sessionCode(fifth), 'the new session in the tab switched to'), nextCode);
    await customerContext.close();
  });
});
