import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';

/** What a bench server reports of itself on request (spawn-server.ts asks). */
export interface ServerStats {
  /** Event-loop delay since the last reset (ms), as perf_hooks samples it every 10 ms. */
  eventLoopDelayP50Ms: number;
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** Memory of buffers and other objects outside V8's heap (ws frames among them). */
  externalBytes: number;
  /** Whether a full garbage collection ran just before (the process was started with --expose-gc). */
  afterGc: boolean;
}

/**
 * Lets the bench read a server's event-loop delay and memory from inside its process: a line
 * `reset` on stdin starts the delay histogram afresh, a line `stats` (or `gc-stats`, which first
 * collects garbage when --expose-gc allows) is answered with `STATS <json>` on stdout.
 */
export function reportStatsOnRequest(): void {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line === 'reset') return delay.reset();
    if (line !== 'stats' && line !== 'gc-stats') return;
    const gc = (globalThis as { gc?: () => void }).gc;
    const afterGc = line === 'gc-stats' && gc !== undefined;
    if (afterGc) gc();
    const memory = process.memoryUsage();
    const stats: ServerStats = {
      eventLoopDelayP50Ms: ms(delay.percentile(50)),
      eventLoopDelayP99Ms: ms(delay.percentile(99)),
      eventLoopDelayMaxMs: ms(delay.max),
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      externalBytes: memory.external,
      afterGc,
    };
    process.stdout.write(`STATS ${JSON.stringify(stats)}\n`);
  });
}
