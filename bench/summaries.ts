/** The figures each browser benchmark reports, as targets.ts judges them. */
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
  /** Median bytes the customer's browser sent from the agent's snapshot request until the page showed (text frames as sent, binary ones decoded). */
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
