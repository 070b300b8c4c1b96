/** The figures each browser benchmark reports, as targets.ts judges them. */
import type { CapacityResult } from './relay-capacity.ts';
import type { Workload } from './storm-scripts.ts';

export interface StormFigures {
  /** Median over the rounds, ms from the change on the customer's page to the same DOM in the replay; null when a round never got there. */
  productMs: number | null;
  rrwebAloneMs: number | null;
  /** product / rrweb alone. */
  ratio: number | null;
  productRunsMs: (number | null)[];
  rrwebAloneRunsMs: (number | null)[];
}

export type StormSummary = { items: number; rounds: number } & Record<Workload, StormFigures>;

export interface LargePageSummary {
  /** Where the page was served from, and its HTML's size. */
  file: string;
  htmlKB: number;
  elements: number;
  runs: number;
  /** Median bytes the customer's browser sent from the agent's Join click until the page showed (since 2026-12-07; from the snapshot request before). */
  wireKB: number;
  /** The largest of those frames (the snapshot's, unless it is split). */
  largestFrameKB: number;
  /** Whether that frame carries the snapshot packed (deflated), and the size of its events as JSON. */
  packed: boolean;
  jsonKB: number;
  frames: number;
  /** Median ms from the agent's click on Join to the agent's view holding the page's body. */
  visibleMs: number;
  /** Median ms from the snapshot request reaching the customer's browser to its largest frame (the snapshot's) leaving it. */
  snapshotMs: number;
  visibleRunsMs: number[];
}

export interface CanvasSummary {
  chart: string;
  windowMs: number;
  /** Canvas frames per second reaching the agent's socket while the chart animates. */
  agentFps: number;
  /** Everything the customer's browser uploaded, per second, over the same window. */
  uploadKBps: number;
  /** The customer's main-thread time in the widget's code (sampled), per canvas frame sent. */
  mainThreadMsPerFrame: number;
  widgetMs: number;
  pageAloneBusyMs: number;
  pageWithSessionBusyMs: number;
  framesSent: number;
  /** Canvas frames sent in three seconds after the chart stopped. */
  idleFrames: number;
}

/** Capacity with the product scaled out (scaled-out.ts), beside the same run's bare relay. */
export interface ScaledOutSummary {
  /** Customer on one instance, agent on the other: every batch crosses Redis. */
  twoInstances: CapacityResult;
  /** The same two-instance setup's first instance alone (Redis pub/sub, no hop to another process). */
  oneInstance: CapacityResult;
  /** p50 on two instances minus p50 on one, at the highest number of sessions both held: what the Redis hop adds. */
  redisHop: { sessions: number; oneInstanceP50Ms: number; twoInstancesP50Ms: number; addedMs: number } | null;
}

/** Customers waiting for an agent, connected and idle, on one instance (waiting-customers.ts). */
export interface WaitingCustomersSummary {
  wanted: number;
  held: number;
  /** The server's RSS with them all connected. */
  rssMB: number;
  /** Inside the server process (perf_hooks), over the live sessions' step with them all connected. */
  eventLoopDelayP99Ms: number;
  liveSessions: number;
  /** The live sessions' p99 before the waiting customers came, and with them connected. */
  liveBefore: StepFigures;
  liveWithWaiting: StepFigures;
}

/** What a step of busy sessions measured, as the waiting-customers step compares them. */
export interface StepFigures {
  p50: number;
  p99: number;
  sentPercent: number;
}

/** Server memory per active session (session-memory.ts): deltas between no session and N active. */
export interface SessionMemorySummary {
  sessions: number;
  /** Whether both readings followed a full garbage collection (the server ran with --expose-gc). */
  afterGc: boolean;
  rssKBPerSession: number;
  heapKBPerSession: number;
  /** Outside V8's heap: ws's buffers among them. */
  externalKBPerSession: number;
}

/** The widget's cost on an idle customer's page in a session (widget-idle.ts). */
export interface WidgetIdleSummary {
  seconds: number;
  /** CPU time of the customer's browser's renderer processes (page and worker), % of one core. */
  cpuPercentOfCore: number;
  /** Timer fires a second by callback site, busiest first. */
  timers: { site: string; perSecond: number }[];
  /** Whether the trace saw any timer fire at all (so that none over the limit means something). */
  timerFiresSeen: number;
}
