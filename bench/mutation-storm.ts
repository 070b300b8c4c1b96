import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../test/support/browser.ts';
import { agentJoins, agentView, customerStarts } from '../test/support/cobrowse-pages.ts';
import { INSTALL_SIGNATURE, INSTALL_STORMS, ITEMS, WATCH_REPLAY, WORKLOADS, type Workload } from './storm-scripts.ts';
import { median } from './median.ts';
import type { StormSummary } from './summaries.ts';
import { judgeStorms, printVerdicts } from './targets.ts';
import { BENCH_AGENT, endSession } from './agent-session.ts';
import { runStandalone } from './standalone.ts';

const ROUNDS = Number(process.env.BENCH_STORM_ROUNDS ?? 3);
/** A storm not replayed by then counts as never arriving. */
const STORM_TIMEOUT_MS = 60_000;
/** Quiet time between storms, so one's tail does not run into the next one's clock. */
const SETTLE_MS = 300;
/** A widget build to give the product's customer page instead of the server's (to try a widget change from another tree). */
const WIDGET_FILE = process.env.BENCH_STORM_WIDGET;

/** A customer's page and the agent's view of it, either through the product or rrweb alone. */
interface Pair {
  customer: Page;
  agent: Page;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The median of the rounds; null when one never arrived. */
const medianOf = (runs: (number | null)[]): number | null =>
  runs.length === 0 || runs.some((run) => run === null) ? null : median(runs as number[]);

/** Plays one storm on the customer's page; ms until the agent's replay holds the same DOM (null: never). */
async function timeStorm(pair: Pair, name: Workload | 'reset'): Promise<number | null> {
  const expected = await pair.customer.evaluate(`window.benchStorm.expect(${JSON.stringify(name)})`);
  // Kept in the page, not returned: evaluate would wait for the promise.
  await pair.agent.evaluate(`void (window.benchWait = (${WATCH_REPLAY})(${JSON.stringify(expected)}, ${STORM_TIMEOUT_MS}))`);
  const changedAt = (await pair.customer.evaluate(`window.benchStorm.run(${JSON.stringify(name)})`)) as number;
  const seenAt = (await pair.agent.evaluate('window.benchWait')) as number | null;
  return seenAt === null ? null : Math.max(0, seenAt - changedAt);
}

/** One way of showing the customer's page to the agent, and its timings per storm. */
interface Side {
  label: string;
  pair: Pair;
  runs: Record<Workload, (number | null)[]>;
  /** A storm that never arrived leaves the two pages apart: the rest of the round would only time out too. */
  broken: boolean;
}

async function prepareSide(label: string, pair: Pair): Promise<Side> {
  await pair.customer.evaluate(INSTALL_SIGNATURE);
  await pair.customer.evaluate(INSTALL_STORMS);
  await pair.agent.evaluate(INSTALL_SIGNATURE);
  const runs = Object.fromEntries(WORKLOADS.map((name) => [name, [] as (number | null)[]])) as Side['runs'];
  return { label, pair, runs, broken: false };
}

/**
 * Every storm, `ROUNDS` times, each round from an empty stage. The sides take turns storm by
 * storm (the first to go alternates by round), so a load that comes and goes on this shared
 * machine falls on both alike.
 */
async function playStorms(sides: [Side, Side], log: (line: string) => void): Promise<void> {
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 ? [sides[1], sides[0]] : sides;
    for (const side of order) {
      if ((await timeStorm(side.pair, 'reset')) === null) throw new Error(`${side.label}: the replay never showed the emptied stage`);
      side.broken = false;
    }
    await pause(SETTLE_MS);
    for (const name of WORKLOADS) {
      for (const side of order) {
        const ms = side.broken ? null : await timeStorm(side.pair, name);
        side.runs[name].push(ms === null ? null : Math.round(ms * 10) / 10);
        if (side.broken) continue;
        side.broken = ms === null;
        log(
          `storm: round ${round + 1} ${name.padEnd(7)} ${side.label.padEnd(11)} ${ms === null ? `NOT REPLAYED within ${STORM_TIMEOUT_MS / 1000} s` : `${Math.round(ms)} ms`}`,
        );
        await pause(SETTLE_MS);
      }
    }
  }
}

/** The product: the widget on the customer's page, the real server, the agent on /agent. */
async function productPair(browser: Browser, server: { url: string }, siteOrigin: string): Promise<Pair> {
  const customer = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  const agent = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  if (WIDGET_FILE)
    await customer.route(`${server.url}/widget.js`, (route) => route.fulfill({ path: WIDGET_FILE, contentType: 'text/javascript' }));
  const code = await customerStarts(customer, siteOrigin, '/storm');
  await agentJoins(agent, server.url, code, BENCH_AGENT);
  await agentView(agent).locator('#stage').waitFor({ state: 'attached' });
  return { customer, agent };
}

/** rrweb alone: recorded in tab A, events passed by BroadcastChannel, replayed live in tab B. */
async function rrwebAlonePair(browser: Browser, siteOrigin: string): Promise<Pair> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const agent = await context.newPage();
  await agent.goto(`${siteOrigin}/replay-alone`);
  const customer = await context.newPage();
  await customer.goto(`${siteOrigin}/storm-alone`);
  await agentView(agent).locator('#stage').waitFor({ state: 'attached' });
  return { customer, agent };
}

/**
 * Mutation storms end to end: thousands of nodes added, nested, moved, re-classed and
 * removed in one task on the customer's page; the time until the agent's replay holds the same
 * DOM, through the product and through rrweb alone in two tabs of the same browser, median of
 * `ROUNDS`. `site` must be an origin the server allows.
 */
export async function measureMutationStorms(
  server: { url: string },
  siteOrigin: string,
  log: (line: string) => void,
): Promise<StormSummary> {
  const browser = await launchBrowser();
  if (WIDGET_FILE) log(`storm: the product's customer page runs ${WIDGET_FILE}, not the server's widget`);
  try {
    const alone = await prepareSide('rrweb alone', await rrwebAlonePair(browser, siteOrigin));
    const product = await prepareSide('product', await productPair(browser, server, siteOrigin));
    await playStorms([alone, product], log);
    await endSession(product.pair.agent);
    const summary = { items: ITEMS, rounds: ROUNDS } as StormSummary;
    for (const name of WORKLOADS) {
      const productMs = medianOf(product.runs[name]);
      const rrwebAloneMs = medianOf(alone.runs[name]);
      const ratio = productMs === null || rrwebAloneMs === null ? null : Math.round((productMs / Math.max(rrwebAloneMs, 1)) * 100) / 100;
      summary[name] = { productMs, rrwebAloneMs, ratio, productRunsMs: product.runs[name], rrwebAloneRunsMs: alone.runs[name] };
      log(
        `storm: ${name.padEnd(7)} product ${productMs ?? 'never'} ms, rrweb alone ${rrwebAloneMs ?? 'never'} ms, ratio ${ratio ?? '—'} (median of ${ROUNDS})`,
      );
    }
    return summary;
  } finally {
    await browser.close();
  }
}

runStandalone(import.meta.url, async (server, site, log) => {
  const storms = await measureMutationStorms(server, site.origin, log);
  return printVerdicts(judgeStorms(storms));
});
