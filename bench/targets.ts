import type { CapacityResult } from './relay-capacity.ts';
import type {
  CanvasSummary,
  LargePageSummary,
  ScaledOutSummary,
  SessionMemorySummary,
  StormSummary,
  WaitingCustomersSummary,
  WidgetIdleSummary,
} from './summaries.ts';
import type { ExecutePathsResult } from './execute-paths.ts';
import { WORKLOADS } from './storm-scripts.ts';

/** One performance target, judged on this run's figures only. */
export interface Verdict {
  name: string;
  wanted: string;
  measured: string;
  met: boolean;
}

/** The capacity step's figures: the product and the bare relay under the same load, in one run. */
export interface CapacityFigures {
  bareRelay: CapacityResult;
  cobrowse: CapacityResult;
  capacityRatio: number;
  /** Server CPU per batch, product vs relay, at the highest step both held (relay-capacity.ts stepHeld). */
  cpuPerBatch: { sessions: number; productUs: number; relayUs: number; ratio: number } | null;
}

export interface LatencyFigures {
  domChange: { p50: number; p99: number; missing: number };
  pointerMove: { p50: number; missing: number };
  busySessions: number;
}

/** A run's figures by step (run.ts STEPS); a step left out of a run is absent and its targets MISSED. */
export interface RunFigures {
  capacity?: CapacityFigures;
  browserLatencyMs?: LatencyFigures;
  widgetFirstSnapshot?: { medianMs: number; payloadKB: number };
  mutationStorms?: StormSummary;
  /** Null when the large page is not installed on this machine. */
  largePage?: LargePageSummary | null;
  scaledOut?: ScaledOutSummary;
  waitingCustomers?: WaitingCustomersSummary;
  sessionMemory?: SessionMemorySummary;
  widgetIdle?: WidgetIdleSummary;
  canvas?: CanvasSummary;
  /** CPU per hot operation under graphql-js and its alternatives: written down, not judged. */
  executePaths?: ExecutePathsResult;
}

/** Capacity against the same run's bare relay. */
export const CAPACITY_RATIO_MIN = 0.9;
/** The product's server CPU per batch against the bare relay's at the same step. */
export const CPU_PER_BATCH_RATIO_MAX = 1.1;
/** Every mutation storm reaches the agent's replay within rrweb alone's time. */
export const STORM_RATIO_LIMIT = 1.0;
/** A real large page: bytes the customer sends until the agent sees it, and the time after Join. */
export const LARGE_PAGE_KB_LIMIT = 160;
export const LARGE_PAGE_VISIBLE_MS_LIMIT = 500;
/** DOM change → agent under busy sessions on the same server. */
export const DOM_CHANGE_P50_MS = 12;
export const DOM_CHANGE_P99_MS = 24;
export const SCALED_OUT_RATIO_MIN = 0.6;
export const REDIS_HOP_P50_MS = 2;
export const WAITING_CUSTOMERS = 5000;
export const WAITING_RSS_MB = 600;
export const WAITING_EVENT_LOOP_P99_MS = 20;
/** "Unchanged": the live sessions' p99 with the waiting customers within 20 % (or 5 ms) of before. */
export const LIVE_P99_TOLERANCE = { factor: 1.2, ms: 5 };
export const SESSION_MEMORY_KB = 200;
export const WIDGET_IDLE_CPU_PERCENT = 1;
export const WIDGET_IDLE_TIMER_FIRES_PER_SECOND = 4;

const percent = (ratio: number) => `${Math.round(ratio * 100)}%`;
const notRun = (name: string, wanted: string): Verdict => ({ name, wanted, measured: 'not measured in this run', met: false });

/** A capacity's figure as words: `≥ 800` when only a lower bound is known. */
export const capacityText = (result: CapacityResult) => `${result.bound === 'at least' ? '≥ ' : ''}${result.capacity}`;

/**
 * A capacity against the bare relay's. When the relay's capacity is only a lower bound (it held
 * every step, or its generator gave out), the ratio is an upper bound and the target is not met:
 * the run must step higher. A product figure that is only a lower bound may still meet it.
 */
export function judgeAgainstRelay(name: string, product: CapacityResult, relay: CapacityResult, min: number): Verdict {
  if (relay.capacity === 0)
    return {
      name,
      wanted: `≥ ${percent(min)}`,
      measured: `unknown: the bare relay held no step (${relay.ended}), so there is nothing to compare`,
      met: false,
    };
  const ratio = product.capacity / relay.capacity;
  const base = `${percent(ratio)} (${capacityText(product)} vs ${capacityText(relay)} sessions)`;
  if (relay.bound === 'at least')
    return {
      name,
      wanted: `≥ ${percent(min)}`,
      measured: `unknown: ≤ ${base} — the bare relay ${relay.ended}, so its capacity is only a lower bound; raise BENCH_LEVELS`,
      met: false,
    };
  return {
    name,
    wanted: `≥ ${percent(min)}`,
    measured: `${base}${product.bound === 'at least' ? ` (the product ${product.ended})` : ''}`,
    met: ratio >= min,
  };
}

export function judgeCapacity(capacity: CapacityFigures | undefined): Verdict[] {
  const cpuName = 'server CPU per batch vs bare relay';
  const cpuWanted = `≤ ${CPU_PER_BATCH_RATIO_MAX}×`;
  if (!capacity) return [notRun('capacity vs bare ws relay', `≥ ${percent(CAPACITY_RATIO_MIN)}`), notRun(cpuName, cpuWanted)];
  const cpu = capacity.cpuPerBatch;
  return [
    judgeAgainstRelay('capacity vs bare ws relay', capacity.cobrowse, capacity.bareRelay, CAPACITY_RATIO_MIN),
    cpu
      ? {
          name: cpuName,
          wanted: cpuWanted,
          measured: `${cpu.ratio}× (${cpu.productUs} vs ${cpu.relayUs} µs at ${cpu.sessions} sessions)`,
          met: cpu.ratio <= CPU_PER_BATCH_RATIO_MAX,
        }
      : { name: cpuName, wanted: cpuWanted, measured: 'no step both held', met: false },
  ];
}

export function judgeBrowserLatency(latency: LatencyFigures | undefined): Verdict[] {
  const under = (busy: number) => `under ${busy} busy sessions`;
  if (!latency)
    return [
      notRun('DOM change → agent, p50', `≤ ${DOM_CHANGE_P50_MS} ms`),
      notRun('DOM change → agent, p99', `≤ ${DOM_CHANGE_P99_MS} ms`),
      notRun('pointer move → agent, p50', '≤ 50 ms'),
    ];
  const { domChange, pointerMove, busySessions } = latency;
  const missing = (count: number) => (count > 0 ? `, ${count} never arrived (counted as infinitely late)` : '');
  return [
    {
      name: 'DOM change → agent, p50',
      wanted: `≤ ${DOM_CHANGE_P50_MS} ms`,
      measured: `${domChange.p50} ms ${under(busySessions)}${missing(domChange.missing)}`,
      met: domChange.p50 <= DOM_CHANGE_P50_MS,
    },
    {
      name: 'DOM change → agent, p99',
      wanted: `≤ ${DOM_CHANGE_P99_MS} ms`,
      measured: `${domChange.p99} ms ${under(busySessions)}${missing(domChange.missing)}`,
      met: domChange.p99 <= DOM_CHANGE_P99_MS,
    },
    {
      name: 'pointer move → agent, p50',
      wanted: '≤ 50 ms',
      measured: `${pointerMove.p50} ms${missing(pointerMove.missing)}`,
      met: pointerMove.p50 <= 50,
    },
  ];
}

export function judgeSnapshot(snapshot: RunFigures['widgetFirstSnapshot']): Verdict[] {
  if (!snapshot) return [notRun('first snapshot, 5,000 elements', '≤ 150 ms'), notRun('first snapshot on the wire', '≤ 60 KB')];
  return [
    { name: 'first snapshot, 5,000 elements', wanted: '≤ 150 ms', measured: `${snapshot.medianMs} ms`, met: snapshot.medianMs <= 150 },
    { name: 'first snapshot on the wire', wanted: '≤ 60 KB', measured: `${snapshot.payloadKB} KB`, met: snapshot.payloadKB <= 60 },
  ];
}

export function judgeStorms(storms: StormSummary | undefined): Verdict[] {
  return WORKLOADS.map((name) => {
    const verdict = { name: `mutation storm "${name}" vs rrweb alone`, wanted: `≤ ${STORM_RATIO_LIMIT}×` };
    if (!storms) return { ...verdict, measured: 'not measured in this run', met: false };
    const { productMs, rrwebAloneMs, ratio } = storms[name];
    return {
      ...verdict,
      measured:
        ratio === null
          ? `never replayed (product ${productMs ?? '—'} ms, rrweb alone ${rrwebAloneMs ?? '—'} ms)`
          : `${ratio}× (${productMs} vs ${rrwebAloneMs} ms)`,
      met: ratio !== null && ratio <= STORM_RATIO_LIMIT,
    };
  });
}

/** Null (the page is not installed) misses both targets: a run that cannot measure them does not pass. */
export function judgeLargePage(page: LargePageSummary | null | undefined): Verdict[] {
  const kb = { name: 'large page: customer bytes until seen', wanted: `≤ ${LARGE_PAGE_KB_LIMIT} KB` };
  const ms = { name: 'large page visible after join', wanted: `≤ ${LARGE_PAGE_VISIBLE_MS_LIMIT} ms` };
  if (!page) {
    const measured = page === null ? 'not installed (see bench/README.md)' : 'not measured in this run';
    return [
      { ...kb, measured, met: false },
      { ...ms, measured, met: false },
    ];
  }
  return [
    { ...kb, measured: `${page.wireKB} KB`, met: page.wireKB <= LARGE_PAGE_KB_LIMIT },
    { ...ms, measured: `${page.visibleMs} ms`, met: page.visibleMs <= LARGE_PAGE_VISIBLE_MS_LIMIT },
  ];
}

/** The scaled-out capacity against the same run's bare relay, and the Redis hop's added p50. */
export function judgeScaledOut(scaled: ScaledOutSummary | undefined, relay: CapacityResult | undefined): Verdict[] {
  const name = 'capacity, two instances via Redis';
  const hopName = 'Redis hop, added p50';
  const hopWanted = `≤ ${REDIS_HOP_P50_MS} ms`;
  if (!scaled || !relay) return [notRun(name, `≥ ${percent(SCALED_OUT_RATIO_MIN)} of bare`), notRun(hopName, hopWanted)];
  const hop = scaled.redisHop;
  return [
    judgeAgainstRelay(name, scaled.twoInstances, relay, SCALED_OUT_RATIO_MIN),
    hop
      ? {
          name: hopName,
          wanted: hopWanted,
          measured: `${hop.addedMs} ms (${hop.twoInstancesP50Ms} vs ${hop.oneInstanceP50Ms} ms at ${hop.sessions} sessions)`,
          met: hop.addedMs <= REDIS_HOP_P50_MS,
        }
      : { name: hopName, wanted: hopWanted, measured: 'no step both setups held', met: false },
  ];
}

export function judgeWaitingCustomers(waiting: WaitingCustomersSummary | undefined): Verdict[] {
  const held = { name: 'waiting customers held', wanted: `${WAITING_CUSTOMERS.toLocaleString('en')}, ≤ ${WAITING_RSS_MB} MB` };
  const loop = { name: 'waiting customers: event-loop p99', wanted: `≤ ${WAITING_EVENT_LOOP_P99_MS} ms` };
  const live = { name: "waiting customers: live sessions' p99", wanted: 'unchanged (±20%/5 ms)' };
  if (!waiting) return [notRun(held.name, held.wanted), notRun(loop.name, loop.wanted), notRun(live.name, live.wanted)];
  const { liveBefore: before, liveWithWaiting: after } = waiting;
  const liveLimit = Math.max(before.p99 * LIVE_P99_TOLERANCE.factor, before.p99 + LIVE_P99_TOLERANCE.ms);
  return [
    {
      ...held,
      measured: `${waiting.held} of ${waiting.wanted} held, RSS ${waiting.rssMB} MB`,
      met: waiting.wanted >= WAITING_CUSTOMERS && waiting.held >= WAITING_CUSTOMERS && waiting.rssMB <= WAITING_RSS_MB,
    },
    { ...loop, measured: `${waiting.eventLoopDelayP99Ms} ms`, met: waiting.eventLoopDelayP99Ms <= WAITING_EVENT_LOOP_P99_MS },
    {
      ...live,
      measured: `${after.p99} ms with them vs ${before.p99} ms before (${waiting.liveSessions} sessions; generator ${after.sentPercent}% / ${before.sentPercent}%)`,
      met: after.p99 <= liveLimit && after.sentPercent >= 98 && before.sentPercent >= 98,
    },
  ];
}

export function judgeSessionMemory(memory: SessionMemorySummary | undefined): Verdict[] {
  const name = 'server memory per active session';
  const wanted = `≤ ${SESSION_MEMORY_KB} KB`;
  if (!memory) return [notRun(name, wanted)];
  return [
    {
      name,
      wanted,
      measured: `${memory.rssKBPerSession} KB RSS (heap ${memory.heapKBPerSession} KB, external ${memory.externalKBPerSession} KB; ${memory.sessions} sessions${memory.afterGc ? ', after GC' : ', no GC'})`,
      met: memory.rssKBPerSession <= SESSION_MEMORY_KB,
    },
  ];
}

export function judgeWidgetIdle(idle: WidgetIdleSummary | undefined): Verdict[] {
  const cpu = { name: 'widget idle: CPU', wanted: `≤ ${WIDGET_IDLE_CPU_PERCENT}% of a core` };
  const timers = { name: 'widget idle: busiest timer', wanted: `≤ ${WIDGET_IDLE_TIMER_FIRES_PER_SECOND} fires/s` };
  if (!idle) return [notRun(cpu.name, cpu.wanted), notRun(timers.name, timers.wanted)];
  const busiest = idle.timers[0];
  return [
    { ...cpu, measured: `${idle.cpuPercentOfCore}% over ${idle.seconds} s`, met: idle.cpuPercentOfCore <= WIDGET_IDLE_CPU_PERCENT },
    {
      ...timers,
      measured: busiest ? `${busiest.perSecond}/s at ${busiest.site}` : `no timer fired (${idle.timerFiresSeen} fires seen)`,
      met: (busiest?.perSecond ?? 0) <= WIDGET_IDLE_TIMER_FIRES_PER_SECOND,
    },
  ];
}

/** A chart animating at 60 fps, as the agent gets it and as it costs the customer. */
export const CANVAS_FPS_MIN = 4;
export const CANVAS_KBPS_LIMIT = 150;
export const CANVAS_MAIN_THREAD_MS_LIMIT = 5;

export function judgeCanvas(canvas: CanvasSummary | undefined): Verdict[] {
  if (!canvas)
    return [
      notRun('canvas at 60 fps → agent', `≥ ${CANVAS_FPS_MIN} fps`),
      notRun('canvas upload per session', `≤ ${CANVAS_KBPS_LIMIT} KB/s`),
      notRun('canvas main thread per frame', `≤ ${CANVAS_MAIN_THREAD_MS_LIMIT} ms`),
      notRun('idle canvas frames', '0'),
    ];
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
  console.log(`\n${'target'.padEnd(46)} ${'wanted'.padEnd(22)} measured`);
  for (const verdict of verdicts) {
    console.log(`${verdict.met ? 'met   ' : 'MISSED'} ${verdict.name.padEnd(39)} ${verdict.wanted.padEnd(22)} ${verdict.measured}`);
  }
  const missed = verdicts.filter((verdict) => !verdict.met).length;
  if (missed > 0) console.error(`\nBENCH: ${missed} of ${verdicts.length} targets MISSED in this run (results in bench/results/).`);
  return missed === 0;
}

/** Compares a run against the product's performance targets: one judge per step. */
export function judgeTargets(run: RunFigures): Verdict[] {
  return [
    ...judgeCapacity(run.capacity),
    ...judgeBrowserLatency(run.browserLatencyMs),
    ...judgeSnapshot(run.widgetFirstSnapshot),
    ...judgeStorms(run.mutationStorms),
    ...judgeLargePage(run.largePage),
    ...judgeScaledOut(run.scaledOut, run.capacity?.bareRelay),
    ...judgeWaitingCustomers(run.waitingCustomers),
    ...judgeSessionMemory(run.sessionMemory),
    ...judgeWidgetIdle(run.widgetIdle),
    ...judgeCanvas(run.canvas),
  ];
}
