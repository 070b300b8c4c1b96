import type { Browser, CDPSession } from 'playwright-core';
import { launchBrowser } from '../test/support/browser.ts';
import { agentJoins, agentView, customerStarts } from '../test/support/cobrowse-pages.ts';
import { BENCH_AGENT, endSession } from './agent-session.ts';
import { runStandalone } from './standalone.ts';
import type { WidgetIdleSummary } from './summaries.ts';
import { judgeWidgetIdle, printVerdicts } from './targets.ts';

const IDLE_MS = 10_000;
/** Time for the first snapshot and the join's own work to finish before the idle window starts. */
const SETTLE_MS = 2000;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU seconds all renderer processes of a browser have used (the customer's page and its workers, alone in it). */
async function rendererCpuSeconds(cdp: CDPSession): Promise<number> {
  const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; cpuTime: number }[] };
  return processInfo.filter((info) => info.type === 'renderer').reduce((sum, info) => sum + info.cpuTime, 0);
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  args?: { data?: { timerId?: number; functionName?: string; url?: string; lineNumber?: number; columnNumber?: number } };
}

/**
 * Timer fires by callback site: each TimerFire of the trace, named by the first script function
 * it calls on the same thread (`url:line:column name`), or by its timer id when it calls none.
 */
export function timerFiresBySite(events: TraceEvent[]): Map<string, number> {
  const calls = new Map<string, TraceEvent[]>();
  for (const event of events)
    if (event.name === 'FunctionCall' && event.ph === 'X') {
      const thread = `${event.pid}:${event.tid}`;
      calls.set(thread, [...(calls.get(thread) ?? []), event]);
    }
  const sites = new Map<string, number>();
  for (const fire of events) {
    if (fire.name !== 'TimerFire') continue;
    const end = fire.ts + (fire.dur ?? 0);
    const call = calls.get(`${fire.pid}:${fire.tid}`)?.find((candidate) => candidate.ts >= fire.ts && candidate.ts <= end);
    const data = call?.args?.data;
    const site = data
      ? `${data.url?.replace(/^.*\//, '') || '(inline)'}:${data.lineNumber}:${data.columnNumber} ${data.functionName || '(anonymous)'}`
      : `timer ${fire.args?.data?.timerId ?? '?'} (no script call seen)`;
    sites.set(site, (sites.get(site) ?? 0) + 1);
  }
  return sites;
}

/**
 * The widget's cost on an idle customer's page in a session, in real Chromium: the customer (in a
 * browser of their own) starts a session, an agent (in another browser) joins and sees the page;
 * then nothing moves for IDLE_MS. Measured: the CPU time of the customer's renderer processes
 * (the page and the widget's worker) as a share of one core, and, from a Chromium trace of the
 * same window, how often each timer fires, by callback site.
 */
export async function measureWidgetIdle(server: { url: string }, log: (line: string) => void): Promise<WidgetIdleSummary> {
  const browsers: Browser[] = [];
  try {
    const customerBrowser = await launchBrowser();
    browsers.push(customerBrowser);
    const agentBrowser = await launchBrowser();
    browsers.push(agentBrowser);
    const customer = await customerBrowser.newPage({ viewport: { width: 1280, height: 800 } });
    const agent = await agentBrowser.newPage({ viewport: { width: 1440, height: 900 } });
    const code = await customerStarts(customer, server.url, '/demo');
    await agentJoins(agent, server.url, code, BENCH_AGENT);
    await agentView(agent).locator('body').waitFor();
    await pause(SETTLE_MS);
    const cdp = await customerBrowser.newBrowserCDPSession();
    await customerBrowser.startTracing(customer, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
    const cpuAtStart = await rendererCpuSeconds(cdp);
    const startedAt = performance.now();
    await pause(IDLE_MS);
    const cpu = (await rendererCpuSeconds(cdp)) - cpuAtStart;
    const seconds = (performance.now() - startedAt) / 1000;
    const trace = JSON.parse((await customerBrowser.stopTracing()).toString()) as { traceEvents: TraceEvent[] };
    const sites = timerFiresBySite(trace.traceEvents);
    const timers = [...sites]
      .map(([site, fires]) => ({ site, perSecond: Math.round((fires / seconds) * 10) / 10 }))
      .sort((a, b) => b.perSecond - a.perSecond);
    const summary: WidgetIdleSummary = {
      seconds: Math.round(seconds * 10) / 10,
      cpuPercentOfCore: Math.round((cpu / seconds) * 1000) / 10,
      timers,
      timerFiresSeen: [...sites.values()].reduce((sum, fires) => sum + fires, 0),
    };
    await endSession(agent);
    log(
      `widget idle: ${summary.cpuPercentOfCore}% of a core over ${summary.seconds} s; timers ${timers.map((timer) => `${timer.site} ${timer.perSecond}/s`).join(', ') || 'none fired'}`,
    );
    return summary;
  } finally {
    await Promise.all(browsers.map((browser) => browser.close()));
  }
}

runStandalone(import.meta.url, async (server, _site, log) => printVerdicts(judgeWidgetIdle(await measureWidgetIdle(server, log))));
