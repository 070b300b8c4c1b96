import { pathToFileURL } from 'node:url';
import { latencyWindow, measureStep, type StepResult } from './relay-capacity.ts';
import { openProductSession, openWaitingCustomer, type BenchSession } from './relay-targets.ts';
import { spawnServer } from './spawn-server.ts';
import type { StepFigures, WaitingCustomersSummary } from './summaries.ts';
import { WAITING_CUSTOMERS, judgeWaitingCustomers, printVerdicts } from './targets.ts';

/** Live sessions measured before and while the customers wait. */
const LIVE_SESSIONS = Number(process.env.BENCH_LIVE_SESSIONS ?? 50);
/** Waiting customers opened at once (each a startSession request, then a socket). */
const OPENING_IN_PARALLEL = 20;

const figures = (step: StepResult): StepFigures => ({ p50: step.p50, p99: step.p99, sentPercent: step.sentPercent });

/**
 * Customers waiting for an agent, connected and idle, on one instance: LIVE_SESSIONS busy
 * sessions are measured alone, then `wanted` customers start a session each and keep the
 * widget's socket open (pinging as it does) with no agent, and the live sessions are measured
 * again. The server's RSS and its event-loop delay (perf_hooks, inside its process, over the
 * second measurement) are read with them all connected.
 */
export async function measureWaitingCustomers(
  log: (line: string) => void,
  wanted = Number(process.env.BENCH_WAITING ?? WAITING_CUSTOMERS),
): Promise<WaitingCustomersSummary> {
  const server = await spawnServer('./cobrowse-server.ts', [String(LIVE_SESSIONS)]);
  const target = { name: 'waiting customers: live sessions', serverCpuMs: server.cpuMs };
  const live: BenchSession[] = [];
  const waiting: Awaited<ReturnType<typeof openWaitingCustomer>>[] = [];
  try {
    const meter = latencyWindow();
    for (let index = 0; index < LIVE_SESSIONS; index++)
      live.push(await openProductSession({ customerUrl: server.url, agentUrl: server.url }, index, meter.onReceive));
    // A first step warms the server (compiled code, caches): only the second one is "before".
    await measureStep(target, live, meter, log);
    const before = await measureStep(target, live, meter, log);
    log(`waiting customers: opening ${wanted}…`);
    let failure: unknown;
    while (waiting.length < wanted && failure === undefined) {
      const batch = Math.min(OPENING_IN_PARALLEL, wanted - waiting.length);
      const opened = await Promise.allSettled(Array.from({ length: batch }, () => openWaitingCustomer(server.url)));
      for (const result of opened) {
        if (result.status === 'fulfilled') waiting.push(result.value);
        else failure ??= result.reason;
      }
      if (waiting.length % 1000 < OPENING_IN_PARALLEL) log(`waiting customers: ${waiting.length} connected`);
    }
    if (failure !== undefined) log(`waiting customers: stopped at ${waiting.length}: ${String(failure)}`);
    server.resetStats();
    const withWaiting = await measureStep(target, live, meter, log);
    const stats = await server.stats();
    const held = waiting.filter((customer) => customer.isOpen()).length;
    const summary: WaitingCustomersSummary = {
      wanted,
      held,
      rssMB: Math.round(stats.rssBytes / 2 ** 20),
      eventLoopDelayP99Ms: stats.eventLoopDelayP99Ms,
      liveSessions: LIVE_SESSIONS,
      liveBefore: figures(before),
      liveWithWaiting: figures(withWaiting),
    };
    log(
      `waiting customers: ${held} of ${wanted} held, server RSS ${summary.rssMB} MB, event-loop delay p99 ${stats.eventLoopDelayP99Ms} ms (max ${stats.eventLoopDelayMaxMs}); ` +
        `live sessions' p99 ${before.p99} → ${withWaiting.p99} ms`,
    );
    return summary;
  } finally {
    for (const customer of waiting) customer.close();
    await Promise.allSettled(live.map((session) => session.close()));
    await server.stop();
  }
}

// This step alone: `node --import tsx bench/waiting-customers.ts` (BENCH_WAITING=500 for fewer customers; judged as a miss then).
if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const summary = await measureWaitingCustomers((line) => console.log(line));
  process.exitCode = printVerdicts(judgeWaitingCustomers(summary)) ? 0 : 1;
}
