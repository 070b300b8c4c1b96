import type { CanvasSummary, LargePageSummary, StormSummary } from './summaries.ts';
import { WORKLOADS } from './storm-scripts.ts';

/** One performance target, judged on this run's figures only. */
export interface Verdict {
  name: string;
  wanted: string;
  measured: string;
  met: boolean;
}

interface RunFigures {
  bareRelay: { capacity: number; steps: { sessions: number }[] };
  cobrowse: { capacity: number };
  capacityRatio: number;
  browserLatencyMs: { domChange: { p50: number; p99: number }; pointerMove: { p50: number } };
  widgetFirstSnapshot: { medianMs: number; payloadKB: number };
  mutationStorms: StormSummary;
  /** Absent when the large page is not installed on this machine (the step is skipped, loudly). */
  largePage: LargePageSummary | null;
  canvas: CanvasSummary;
}

/** Every mutation storm reaches the agent's replay within 1.2× rrweb alone's time. */
export const STORM_RATIO_LIMIT = 1.2;
/** A real large page, on the wire and in the agent's view after join. */
export const LARGE_PAGE_KB_LIMIT = 250;
export const LARGE_PAGE_VISIBLE_MS_LIMIT = 1000;

export function judgeStorms(storms: StormSummary): Verdict[] {
  return WORKLOADS.map((name) => {
    const { productMs, rrwebAloneMs, ratio } = storms[name];
    return {
      name: `mutation storm "${name}" vs rrweb alone`,
      wanted: `≤ ${STORM_RATIO_LIMIT}×`,
      measured:
        ratio === null
          ? `never replayed (product ${productMs ?? '—'} ms, rrweb alone ${rrwebAloneMs ?? '—'} ms)`
          : `${ratio}× (${productMs} vs ${rrwebAloneMs} ms)`,
      met: ratio !== null && ratio <= STORM_RATIO_LIMIT,
    };
  });
}

export function judgeLargePage(page: LargePageSummary): Verdict[] {
  return [
    {
      name: 'large page snapshot on the wire',
      wanted: `≤ ${LARGE_PAGE_KB_LIMIT} KB`,
      measured: `${page.wireKB} KB`,
      met: page.wireKB <= LARGE_PAGE_KB_LIMIT,
    },
    {
      name: 'large page visible after join',
      wanted: `≤ ${LARGE_PAGE_VISIBLE_MS_LIMIT} ms`,
      measured: `${page.visibleMs} ms`,
      met: page.visibleMs <= LARGE_PAGE_VISIBLE_MS_LIMIT,
    },
  ];
}

/** A chart animating at 60 fps, as the agent gets it and as it costs the customer. */
export const CANVAS_FPS_MIN = 4;
export const CANVAS_KBPS_LIMIT = 150;
export const CANVAS_MAIN_THREAD_MS_LIMIT = 5;

export function judgeCanvas(canvas: CanvasSummary): Verdict[] {
  return [
    {
      name: 'canvas at 60 fps → agent',
      wanted: `≥ ${CANVAS_FPS_MIN} fps`,
      measured: `${canvas.agentFps} fps`,
      met: canvas.agentFps >= CANVAS_FPS_MIN,
    },
    {
      name: 'canvas upload per session',
      wanted: `≤ ${CANVAS_KBPS_LIMIT} KB/s`,
      measured: `${canvas.uploadKBps} KB/s`,
      met: canvas.uploadKBps <= CANVAS_KBPS_LIMIT,
    },
    {
      name: 'canvas main thread per frame',
      wanted: `≤ ${CANVAS_MAIN_THREAD_MS_LIMIT} ms`,
      measured: `${canvas.mainThreadMsPerFrame} ms`,
      met: canvas.mainThreadMsPerFrame <= CANVAS_MAIN_THREAD_MS_LIMIT,
    },
    { name: 'idle canvas frames', wanted: '0', measured: String(canvas.idleFrames), met: canvas.idleFrames === 0 },
  ];
}

/** Prints the verdicts as a table; whether every target was met. */
export function printVerdicts(verdicts: Verdict[]): boolean {
  console.log(`\n${'target'.padEnd(46)} ${'wanted'.padEnd(14)} measured`);
  for (const verdict of verdicts) {
    console.log(`${verdict.met ? 'met   ' : 'MISSED'} ${verdict.name.padEnd(39)} ${verdict.wanted.padEnd(14)} ${verdict.measured}`);
  }
  const missed = verdicts.filter((verdict) => !verdict.met).length;
  if (missed > 0) console.error(`\nBENCH: ${missed} of ${verdicts.length} targets MISSED in this run (results in bench/results/).`);
  return missed === 0;
}

const bareHeldEveryStep = (run: RunFigures) =>
  run.bareRelay.capacity > 0 && run.bareRelay.capacity === run.bareRelay.steps.at(-1)?.sessions;

/** Compares a run against the product's performance targets. */
export function judgeTargets(run: RunFigures): Verdict[] {
  const { domChange, pointerMove } = run.browserLatencyMs;
  const snapshot = run.widgetFirstSnapshot;
  return [
    {
      name: 'capacity vs bare ws relay',
      wanted: '≥ 50%',
      // A bare relay that held the highest step has a capacity of at least that: the ratio is then an upper bound.
      measured: `${Math.round(run.capacityRatio * 100)}% (${run.cobrowse.capacity} vs ${bareHeldEveryStep(run) ? '≥ ' : ''}${run.bareRelay.capacity} sessions)`,
      met: run.capacityRatio >= 0.5,
    },
    { name: 'DOM change → agent, p50', wanted: '≤ 30 ms', measured: `${domChange.p50} ms`, met: domChange.p50 <= 30 },
    { name: 'DOM change → agent, p99', wanted: '≤ 80 ms', measured: `${domChange.p99} ms`, met: domChange.p99 <= 80 },
    { name: 'pointer move → agent, p50', wanted: '≤ 50 ms', measured: `${pointerMove.p50} ms`, met: pointerMove.p50 <= 50 },
    { name: 'first snapshot, 5,000 elements', wanted: '≤ 150 ms', measured: `${snapshot.medianMs} ms`, met: snapshot.medianMs <= 150 },
    { name: 'first snapshot on the wire', wanted: '≤ 60 KB', measured: `${snapshot.payloadKB} KB`, met: snapshot.payloadKB <= 60 },
    ...judgeStorms(run.mutationStorms),
    ...(run.largePage ? judgeLargePage(run.largePage) : []),
    ...judgeCanvas(run.canvas),
  ];
}
