import { launchBrowser } from '../test/support/browser.ts';
import { agentJoins, customerStarts } from '../test/support/cobrowse-pages.ts';
import { runStandalone } from './standalone.ts';
import { printVerdicts } from './targets.ts';

const SAMPLES = 150;
const GAP_MS = 100;

export interface LatencySummary {
  samples: number;
  p50: number;
  p99: number;
}

const summarize = (values: number[]): LatencySummary => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]! * 10) / 10;
  return { samples: sorted.length, p50: at(0.5), p99: at(0.99) };
};

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Records, in the agent's page, when each clock value and pointer position first shows in the
 * replay. A string, not a function: the TypeScript loader would wrap a function's inner names in
 * a helper that does not exist in the page.
 */
const WATCH_AGENT_VIEW = `(() => {
  const seen = (window.benchSeen = {});
  const view = document.querySelector('[data-testid=cobrowse-view]');
  const check = () => {
    const at = performance.timeOrigin + performance.now();
    const text = view.querySelector('iframe')?.contentDocument?.getElementById('bench-clock')?.textContent;
    if (text && !(text in seen)) seen[text] = at;
    const left = view.querySelector('.replayer-mouse')?.style.left;
    if (left && !(('x' + left) in seen)) seen['x' + left] = at;
  };
  new MutationObserver(check).observe(view, { subtree: true, childList: true, attributes: true, characterData: true });
  // Mutations inside the replay iframe are not reported to the parent: look every frame too.
  const poll = () => { check(); requestAnimationFrame(poll); };
  poll();
})()`;

const RECORD_CUSTOMER_MOVES = `(() => {
  const moves = (window.benchMoves = {});
  addEventListener('mousemove', (event) => (moves['x' + event.clientX + 'px'] = performance.timeOrigin + performance.now()));
})()`;

/**
 * Browser end to end, real Chromium, one session: how long a DOM change on the
 * customer's page and a customer pointer move take to show in the agent's replay.
 */
export async function measureBrowserLatency(server: { url: string }, log: (line: string) => void) {
  const browser = await launchBrowser();
  try {
    const customer = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    const agent = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    const code = await customerStarts(customer, server.url, '/demo');
    await agentJoins(agent, server.url, code);
    await customer.evaluate(() => {
      const clock = document.createElement('div');
      clock.id = 'bench-clock';
      clock.textContent = 'start';
      document.querySelector('main')!.append(clock);
    });
    await agent.frameLocator('[data-testid=cobrowse-view] iframe').locator('#bench-clock').waitFor();
    await agent.evaluate(WATCH_AGENT_VIEW);

    const domSent: Record<string, number> = {};
    for (let i = 0; i < SAMPLES; i++) {
      const [value, at] = await customer.evaluate(() => {
        const stamp = performance.timeOrigin + performance.now();
        const text = `t${stamp}`;
        document.getElementById('bench-clock')!.textContent = text;
        return [text, stamp] as const;
      });
      domSent[value] = at;
      await pause(GAP_MS);
    }

    await customer.evaluate(RECORD_CUSTOMER_MOVES);
    for (let i = 0; i < SAMPLES; i++) {
      await customer.mouse.move(200 + i * 3, 300);
      await pause(GAP_MS);
    }
    await pause(500);

    const seen = await agent.evaluate(() => (window as unknown as { benchSeen: Record<string, number> }).benchSeen);
    const moves = await customer.evaluate(() => (window as unknown as { benchMoves: Record<string, number> }).benchMoves);
    const dom = Object.entries(domSent).flatMap(([value, at]) => (seen[value] ? [seen[value] - at] : []));
    const pointer = Object.entries(moves).flatMap(([key, at]) => (seen[key] ? [seen[key] - at] : []));
    const result = { domChange: summarize(dom), pointerMove: summarize(pointer), sent: SAMPLES };
    log(
      `browser: DOM change p50 ${result.domChange.p50} ms, p99 ${result.domChange.p99} ms (${dom.length}/${SAMPLES}); pointer p50 ${result.pointerMove.p50} ms (${pointer.length}/${SAMPLES})`,
    );
    return result;
  } finally {
    await browser.close();
  }
}

runStandalone(import.meta.url, async (server, _site, log) => {
  const { domChange, pointerMove } = await measureBrowserLatency(server, log);
  return printVerdicts([
    { name: 'DOM change → agent, p50', wanted: '≤ 30 ms', measured: `${domChange.p50} ms`, met: domChange.p50 <= 30 },
    { name: 'DOM change → agent, p99', wanted: '≤ 80 ms', measured: `${domChange.p99} ms`, met: domChange.p99 <= 80 },
    { name: 'pointer move → agent, p50', wanted: '≤ 50 ms', measured: `${pointerMove.p50} ms`, met: pointerMove.p50 <= 50 },
  ]);
});
