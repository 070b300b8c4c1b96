import type { CDPSession } from 'playwright-core';
import { CANVAS_FRAME_EVENT_TAG } from '../protocol/messages.ts';
import { launchBrowser, signInAs } from '../test/support/browser.ts';
import { customerStarts } from '../test/support/cobrowse-pages.ts';
import { withUnpacked } from '../test/support/packed-frames.ts';
import { waitFor } from '../test/support/wait-for.ts';
import { BENCH_AGENT, endSession } from './agent-session.ts';
import { runStandalone } from './standalone.ts';
import type { CanvasSummary } from './summaries.ts';
import { judgeCanvas, printVerdicts } from './targets.ts';

const WINDOW_MS = Number(process.env.BENCH_CANVAS_WINDOW_MS ?? 10_000);
const IDLE_WINDOW_MS = 3_000;

const round = (value: number, places = 1) => Math.round(value * 10 ** places) / 10 ** places;

/** The page's main-thread busy time so far, in ms (Chromium's TaskDuration). */
async function busyMs(cdp: CDPSession): Promise<number> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return (metrics.find((metric) => metric.name === 'TaskDuration')?.value ?? 0) * 1000;
}

interface ProfileNode {
  id: number;
  callFrame: { url: string };
  children?: number[];
}

/**
 * The page's main-thread time spent inside the widget's code (its script, its chunks, and what
 * they call: an ImageBitmap copy, JSON, the socket worker's messages), from a sampling profile:
 * each sample counts when a frame of its stack comes from the co-browse server's widget files.
 * Unlike the page's busy time with and without a session, it does not move with what else the
 * machine runs.
 */
function widgetMs(profile: { nodes: ProfileNode[]; samples?: number[]; timeDeltas?: number[] }, widgetOrigin: string): number {
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const inWidget = new Map<number, boolean>();
  const widget = (id: number): boolean => {
    if (inWidget.has(id)) return inWidget.get(id)!;
    const url = byId.get(id)?.callFrame.url ?? '';
    const up = parent.get(id);
    const result = (url.startsWith(widgetOrigin) && /\/widget[\w.-]*\.js/.test(url)) || (up !== undefined && widget(up));
    inWidget.set(id, result);
    return result;
  };
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let micros = 0;
  // A sample's delta is the time before it; the next one's is the time it stood for.
  for (let index = 0; index < samples.length; index++) if (widget(samples[index]!)) micros += deltas[index + 1] ?? 0;
  return micros / 1000;
}

/** The canvas frames in socket frames (packed batches inflated). */
async function countFrames(texts: string[]): Promise<number> {
  const unpacked = (await withUnpacked(texts)).texts;
  return unpacked.reduce((sum, text) => sum + (text.split(`"${CANVAS_FRAME_EVENT_TAG}"`).length - 1), 0);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A 640×320 line chart redrawn at 60 fps on the customer's page (bench/canvas-page.ts); a session
 * starts, an agent joins. Over a window: the canvas frames reaching the agent's socket per second,
 * the customer's upload rate, and the customer's main-thread time in the widget's code per frame
 * sent (sampled; the page's busy time with and without a session is logged beside it). Then the
 * chart stops and the frames of the idle canvas are counted.
 */
export async function measureCanvas(server: { url: string }, siteOrigin: string, log: (line: string) => void): Promise<CanvasSummary> {
  const browser = await launchBrowser();
  try {
    const customer = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    const agent = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    const uploads: { at: number; bytes: number; text: string }[] = [];
    customer.on('websocket', (socket) =>
      socket.on('framesent', ({ payload }) => {
        if (typeof payload !== 'string') uploads.push({ at: Date.now(), bytes: payload.length, text: payload.toString() });
      }),
    );
    const received: { at: number; text: string }[] = [];
    agent.on('websocket', (socket) =>
      socket.on('framereceived', ({ payload }) => received.push({ at: Date.now(), text: payload.toString() })),
    );
    const cdp = await customer.context().newCDPSession(customer);
    await cdp.send('Performance.enable');

    await customer.goto(`${siteOrigin}/canvas`);
    await customer.getByTestId('cobrowse-start').waitFor();
    // The page alone, the chart animating and the widget loaded but not started.
    let before = await busyMs(cdp);
    await pause(WINDOW_MS);
    const aloneMs = (await busyMs(cdp)) - before;

    const code = await customerStarts(customer, siteOrigin, '/canvas');
    await signInAs(agent, server.url, BENCH_AGENT);
    await agent.getByTestId('session-id-input').fill(code);
    await agent.getByTestId('session-join').click();
    await waitFor(async () => (await countFrames(received.map((frame) => frame.text))) > 0, 'a canvas frame at the agent', 30_000);
    await pause(1000); // the join's snapshot and first frames out of the way

    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await cdp.send('Profiler.start');
    const from = Date.now();
    before = await busyMs(cdp);
    await pause(WINDOW_MS);
    const withMs = (await busyMs(cdp)) - before;
    const to = Date.now();
    const { profile } = await cdp.send('Profiler.stop');
    const inWidgetMs = widgetMs(profile as never, server.url);
    const seconds = (to - from) / 1000;
    const inWindow = <T extends { at: number }>(frames: T[]) => frames.filter((frame) => frame.at >= from && frame.at < to);
    const sentUploads = inWindow(uploads);
    const sentFrames = await countFrames(sentUploads.map((frame) => frame.text));
    const agentFrames = await countFrames(inWindow(received).map((frame) => frame.text));
    const uploadKBps = sentUploads.reduce((sum, frame) => sum + frame.bytes, 0) / 1024 / seconds;

    await customer.locator('#stop').click();
    await pause(1000); // the last frame goes
    const idleFrom = uploads.length;
    await pause(IDLE_WINDOW_MS);
    const idleFrames = await countFrames(uploads.slice(idleFrom).map((frame) => frame.text));
    await endSession(agent);

    const summary: CanvasSummary = {
      chart: '640×320, 60 fps',
      windowMs: WINDOW_MS,
      agentFps: round(agentFrames / seconds),
      uploadKBps: round(uploadKBps),
      mainThreadMsPerFrame: round(inWidgetMs / Math.max(1, sentFrames), 2),
      widgetMs: Math.round(inWidgetMs),
      pageAloneBusyMs: Math.round(aloneMs),
      pageWithSessionBusyMs: Math.round(withMs),
      framesSent: sentFrames,
      idleFrames,
    };
    log(
      `canvas: ${summary.agentFps} frames/s reached the agent, ${summary.uploadKBps} KB/s uploaded, ${summary.mainThreadMsPerFrame} ms of the customer's main thread per frame sent (${summary.widgetMs} ms in the widget's code over ${sentFrames} frames in ${WINDOW_MS / 1000} s; the page was busy ${summary.pageWithSessionBusyMs} ms with the session vs ${summary.pageAloneBusyMs} ms alone); idle canvas: ${idleFrames} frames in ${IDLE_WINDOW_MS / 1000} s`,
    );
    return summary;
  } finally {
    await browser.close();
  }
}

runStandalone(import.meta.url, async (server, site, log) => printVerdicts(judgeCanvas(await measureCanvas(server, site.origin, log))));
