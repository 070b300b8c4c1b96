import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, signInAs } from '../test/support/browser.ts';
import { customerStarts } from '../test/support/cobrowse-pages.ts';
import { withUnpacked } from '../test/support/packed-frames.ts';
import { LARGE_PAGE_DIR, LARGE_PAGE_FILE, largePageInstalled } from './bench-site.ts';
import { BENCH_AGENT, endSession } from './agent-session.ts';
import { median } from './median.ts';
import { runStandalone } from './standalone.ts';
import type { LargePageSummary } from './summaries.ts';
import { judgeLargePage, printVerdicts } from './targets.ts';

const RUNS = Number(process.env.BENCH_LARGE_PAGE_RUNS ?? 3);
const VISIBLE_TIMEOUT_MS = 30_000;

/** The agent's page: records when Join is clicked, then when the replay iframe's body holds `elements` (or nearly: rrweb leaves out a few). */
const WATCH_JOIN_TO_VISIBLE = `((elements) => {
  const done = (window.benchVisible = { joinAt: 0, visibleAt: 0 });
  addEventListener('click', (event) => {
    if (!done.joinAt && event.target.closest('[data-testid=session-join]')) done.joinAt = performance.timeOrigin + performance.now();
  }, true);
  const poll = () => {
    const body = document.querySelector('[data-testid=cobrowse-view] iframe')?.contentDocument?.body;
    if (done.joinAt && body && body.getElementsByTagName('*').length >= elements * 0.95) {
      done.visibleAt = performance.timeOrigin + performance.now();
      return;
    }
    requestAnimationFrame(poll);
  };
  poll();
})`;

const kb = (bytes: number) => Math.round(bytes / 102.4) / 10;

/**
 * What the customer's browser sends after the agent's snapshot request, read off its sockets as
 * Playwright reports them: the widget's socket may live in a worker, which the page's own
 * DevTools network domain does not see. Times are this process's clock when each frame is reported.
 */
function watchCustomerSocket(customer: Page) {
  const sent: { at: number; bytes: number; text: string }[] = [];
  let requestedAt = 0;
  let from = Infinity;
  customer.on('websocket', (socket) => {
    socket.on('framereceived', ({ payload }) => {
      if (!requestedAt && String(payload).includes('snapshot-request')) requestedAt = performance.now();
    });
    socket.on('framesent', ({ payload }) => {
      const at = performance.now();
      if (at < from) return;
      const text = String(payload); // uploads are binary frames holding JSON
      sent.push({ at, bytes: typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length, text });
    });
  });
  return {
    sent,
    requestedAt: () => requestedAt,
    /**
     * Counts every frame sent from now on: from the agent's Join, not from the snapshot request,
     * so a copy of the page sent before the request (or reported before it) counts too.
     */
    countFromNow: () => (from = performance.now()),
  };
}

/**
 * A real large page nobody here wrote (see bench-site.ts), served with the widget; a
 * session starts, the agent joins. Measured: every byte the customer's browser sends from the
 * agent's Join click until the agent sees the page, and the time from that click to the page in
 * the agent's view. Null, loudly, when the page is not installed on this machine.
 */
export async function measureLargePage(
  server: { url: string },
  siteOrigin: string,
  log: (line: string) => void,
): Promise<LargePageSummary | null> {
  const file = path.join(LARGE_PAGE_DIR, LARGE_PAGE_FILE);
  if (!(await largePageInstalled())) {
    log(
      `\n!!! large page: SKIPPED — ${file} is not installed (Debian's nodejs package ships it; set BENCH_LARGE_PAGE_DIR / BENCH_LARGE_PAGE_FILE to another page). Its two targets are judged MISSED in this run.\n`,
    );
    return null;
  }
  const browser = await launchBrowser();
  const visible: number[] = [];
  const wire: number[] = [];
  const snapshot: number[] = [];
  let largest = 0;
  let frames = 0;
  let elements = 0;
  let sizes = '';
  let snapshotText = '';
  try {
    for (let run = 0; run < RUNS; run++) {
      const customerContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      // The page links a web font; these machines have no internet, and its wait is not ours to measure.
      await customerContext.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => route.abort());
      const customer = await customerContext.newPage();
      const agent = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
      const socket = watchCustomerSocket(customer);
      const code = await customerStarts(customer, siteOrigin, `/docs/${LARGE_PAGE_FILE}`);
      // The widget's own root is never recorded.
      elements = await customer.evaluate(
        () =>
          document.body.getElementsByTagName('*').length -
          (document.getElementById('cobrowse-widget-root')?.getElementsByTagName('*').length ?? 0) -
          1,
      );
      await signInAs(agent, server.url, BENCH_AGENT);
      await agent.evaluate(`${WATCH_JOIN_TO_VISIBLE}(${elements})`);
      await agent.getByTestId('session-id-input').fill(code);
      socket.countFromNow();
      await agent.getByTestId('session-join').click();
      const shown = await agent
        .waitForFunction(() => (window as unknown as { benchVisible: { visibleAt: number } }).benchVisible.visibleAt > 0, undefined, {
          timeout: VISIBLE_TIMEOUT_MS,
          polling: 50,
        })
        .then(() => agent.evaluate(() => (window as unknown as { benchVisible: { joinAt: number; visibleAt: number } }).benchVisible));
      const seenAt = performance.now();
      // Until the agent sees the page: what the customer sent after that is not part of it.
      const frameBytes = socket.sent.filter((frame) => frame.at <= seenAt).map((frame) => frame.bytes);
      visible.push(shown.visibleAt - shown.joinAt);
      wire.push(frameBytes.reduce((sum, bytes) => sum + bytes, 0));
      largest = Math.max(...frameBytes);
      frames = frameBytes.length;
      sizes = frameBytes.map(kb).join(' + ');
      const snapshotFrame = socket.sent.find((frame) => frame.bytes === largest)!;
      snapshotText = snapshotFrame.text;
      // A snapshot reported before its request cannot be timed from it: infinitely late.
      snapshot.push(socket.requestedAt() && snapshotFrame.at >= socket.requestedAt() ? snapshotFrame.at - socket.requestedAt() : Infinity);
      log(
        `large page: run ${run + 1}: visible ${Math.round(shown.visibleAt - shown.joinAt)} ms after Join, ${kb(wire.at(-1)!)} KB in ${frames} frame(s) from the Join until the agent saw the page (${sizes} KB)`,
      );
      await endSession(agent);
      await customerContext.close();
      await agent.context().close();
    }
  } finally {
    await browser.close();
  }
  const unpacked = await withUnpacked([snapshotText]);
  const summary: LargePageSummary = {
    file,
    htmlKB: kb((await stat(file)).size),
    elements,
    runs: RUNS,
    wireKB: kb(median(wire)),
    largestFrameKB: kb(largest),
    packed: unpacked.packed > 0,
    jsonKB: kb(unpacked.texts.slice(unpacked.packed > 0 ? 1 : 0).reduce((sum, text) => sum + Buffer.byteLength(text), 0)),
    frames,
    visibleMs: median(visible),
    snapshotMs: median(snapshot),
    visibleRunsMs: visible.map((ms) => Math.round(ms)),
  };
  log(
    `large page: ${LARGE_PAGE_FILE} (${summary.htmlKB} KB of HTML, ${elements} elements): ${summary.wireKB} KB on the wire (snapshot ${summary.packed ? 'packed' : 'not packed'}, ${summary.jsonKB} KB of JSON), visible ${summary.visibleMs} ms after Join, snapshot left ${summary.snapshotMs} ms after the request (median of ${RUNS})`,
  );
  return summary;
}

runStandalone(import.meta.url, async (server, site, log) => {
  const page = await measureLargePage(server, site.origin, log);
  return printVerdicts(judgeLargePage(page));
});
