import { launchBrowser } from '../test/support/browser.ts';
import { agentJoins, customerStarts } from '../test/support/cobrowse-pages.ts';
import { endSession } from './agent-session.ts';
import { BUSY_SESSIONS } from './bench-server-setup.ts';
import { spawnServer } from './spawn-server.ts';
import { runStandalone } from './standalone.ts';
import { judgeBrowserLatency, printVerdicts, type LatencyFigures } from './targets.ts';

const SAMPLES = 150;
const GAP_MS = 100;

export interface LatencySummary {
  samples: number;
  /** Samples that never showed in the agent's view: counted as infinitely late in the percentiles. */
  missing: number;
  p50: number;
  p99: number;
}

/** Percentiles over every sample sent, a missing one (undefined) as infinitely late. */
const summarize = (values: (number | undefined)[]): LatencySummary => {
  const sorted = values.map((value) => value ?? Infinity).sort((a, b) => a - b);
  const at = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]! * 10) / 10;
  return { samples: sorted.length, missing: values.filter((value) => value === undefined).length, p50: at(0.5), p99: at(0.99) };
};

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Records, in the agent's page, when each clock value and pointer position first shows in the
 * replay: read at every animation frame, as the agent would see it. Mutation observers on the
 * view and on the replay's document (found again whenever the replay rebuilds it) also catch a
 * value the replay applied and replaced before the next frame: it counts as shown at that frame
 * (which shows its successor), where reading once a frame alone never saw it. A string, not a
 * function: the TypeScript loader would wrap a function's inner names in a helper that does not
 * exist in the page.
 */
const WATCH_AGENT_VIEW = `(() => {
  const seen = (window.benchSeen = {});
  const applied = new Set();
  const left = (style) => /left: ([^;]+);/.exec(style || '')?.[1];
  const view = document.querySelector('[data-testid=cobrowse-view]');
  const onRecords = (records) => {
    for (const record of records) {
      if (record.type === 'characterData') applied.add(record.oldValue);
      else if (record.type === 'childList') {
        for (const node of record.removedNodes) if (node.nodeType === 3) applied.add(node.data);
      } else if (record.target.classList?.contains('replayer-mouse')) {
        const old = left(record.oldValue);
        if (old) applied.add('x' + old);
      }
    }
  };
  let observed = null;
  const inReplay = new MutationObserver(onRecords);
  new MutationObserver(onRecords).observe(view, { subtree: true, attributes: true, attributeOldValue: true, attributeFilter: ['style'] });
  const poll = () => {
    const at = performance.timeOrigin + performance.now();
    const note = (key) => { if (key && !(key in seen)) seen[key] = at; };
    onRecords(inReplay.takeRecords());
    const doc = view.querySelector('iframe')?.contentDocument;
    if (doc && doc !== observed) {
      observed = doc;
      inReplay.disconnect();
      inReplay.observe(doc, { subtree: true, childList: true, characterData: true, characterDataOldValue: true });
    }
    applied.forEach(note);
    applied.clear();
    note(doc?.getElementById('bench-clock')?.textContent);
    const mouse = view.querySelector('.replayer-mouse')?.style.left;
    if (mouse) note('x' + mouse);
    requestAnimationFrame(poll);
  };
  poll();
})()`;

const RECORD_CUSTOMER_MOVES = `(() => {
  const moves = (window.benchMoves = {});
  addEventListener('mousemove', (event) => (moves['x' + event.clientX + 'px'] = performance.timeOrigin + performance.now()));
})()`;

/**
 * Browser end to end, real Chromium, one session: how long a DOM change on the
 * customer's page and a customer pointer move take to show in the agent's replay, while
 * BUSY_SESSIONS other sessions keep the same server busy (their generator in a process of its own).
 */
export async function measureBrowserLatency(server: { url: string }, log: (line: string) => void): Promise<LatencyFigures> {
  log(`browser: opening ${BUSY_SESSIONS} busy sessions on the pages server…`);
  const busy = BUSY_SESSIONS > 0 ? await spawnServer('./busy-sessions.ts', [server.url, String(BUSY_SESSIONS)]) : null;
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
    // The next steps' agent (the snapshot step's is this one) can then join another session.
    await endSession(agent);
    const moves = await customer.evaluate(() => (window as unknown as { benchMoves: Record<string, number> }).benchMoves);
    const dom = Object.entries(domSent).map(([value, at]) => (seen[value] ? seen[value] - at : undefined));
    // A move the customer's page never saw is missing as well as one the agent never saw.
    const pointer = Array.from({ length: SAMPLES }, (_, i) => {
      const key = `x${200 + i * 3}px`;
      return moves[key] && seen[key] ? seen[key] - moves[key] : undefined;
    });
    const result = { domChange: summarize(dom), pointerMove: summarize(pointer), sent: SAMPLES, busySessions: BUSY_SESSIONS };
    log(
      `browser: DOM change p50 ${result.domChange.p50} ms, p99 ${result.domChange.p99} ms (${result.domChange.missing} of ${SAMPLES} missing); ` +
        `pointer p50 ${result.pointerMove.p50} ms (${result.pointerMove.missing} of ${SAMPLES} missing); ${BUSY_SESSIONS} busy sessions on the server`,
    );
    return result;
  } finally {
    await browser.close();
    await busy?.stop();
  }
}

runStandalone(import.meta.url, async (server, _site, log) => printVerdicts(judgeBrowserLatency(await measureBrowserLatency(server, log))));
