import { realisticBatch } from './event-mix.ts';
import type { BenchSession, RelayTarget } from './relay-targets.ts';

/** Each session sends one batch per frame while its customer is busy. */
export const BATCHES_PER_SECOND = 30;
const STEP_MS = 4000;
const WARMUP_MS = 1000;
export const P99_LIMIT_MS = 100;
/** How long a step waits, after its last send, for batches still in flight. */
const LANDING_MS = 2000;

export interface StepResult {
  sessions: number;
  sent: number;
  received: number;
  p50: number;
  p99: number;
  /**
   * The server's CPU time per batch relayed in the step (µs): unlike latency, it hardly moves when
   * other processes share the machine, so levers can be compared on a busy one.
   */
  serverCpuUsPerBatch: number;
  /**
   * The load generator's own CPU time per batch (µs), customers and agents together: it shares
   * the machine with the server, so a heavy generator lowers the capacity it measures.
   */
  generatorCpuUsPerBatch: number;
  /**
   * The share of the step's frames the load generator managed to send (%): below 100 it could not
   * keep its timers, so the step tested less load than its number of sessions says.
   */
  sentPercent: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? Infinity : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
const now = () => performance.timeOrigin + performance.now();

/**
 * Raises the number of concurrent sessions step by step and measures customer-send →
 * agent-receive latency at each; stops once p99 exceeds the limit or a step loses messages.
 */
export async function measureCapacity(
  target: RelayTarget,
  levels: number[],
  log: (line: string) => void,
): Promise<{ steps: StepResult[]; capacity: number }> {
  await target.start(levels[levels.length - 1]!);
  const sessions: BenchSession[] = [];
  let latencies: number[] = [];
  let received = 0;
  // A batch belongs to a step when it was SENT inside the step's window, whenever it arrives: a
  // backlog sent before the window does not count, and a slow batch sent inside it is waited for.
  const window = { start: Infinity, end: -Infinity };
  const inWindow = (at: number) => at >= window.start && at <= window.end;
  const onReceive = (batch: { sentAt: number }) => {
    if (!inWindow(batch.sentAt)) return;
    received++;
    latencies.push(now() - batch.sentAt);
  };
  const steps: StepResult[] = [];
  let capacity = 0;
  try {
    for (const level of levels) {
      try {
        while (sessions.length < level) sessions.push(await target.openSession(sessions.length, onReceive));
      } catch (error) {
        // A server that cannot take more sessions fails the step, loudly, rather than the whole run.
        log(`${target.name}: ${level} sessions could not be opened (${sessions.length} were): ${String(error)}`);
        steps.push({
          sessions: level,
          sent: 0,
          received: 0,
          p50: Infinity,
          p99: Infinity,
          serverCpuUsPerBatch: NaN,
          generatorCpuUsPerBatch: NaN,
          sentPercent: 0,
        });
        break;
      }
      latencies = [];
      received = 0;
      let sent = 0;
      let seq = 0;
      const timers = sessions.map((session, index) =>
        setTimeout(
          () => {
            const interval = setInterval(() => {
              const at = now();
              session.send(realisticBatch(seq++, at));
              if (inWindow(at)) sent++;
            }, 1000 / BATCHES_PER_SECOND);
            timers.push(interval as unknown as ReturnType<typeof setTimeout>);
          },
          (index * 1000) / BATCHES_PER_SECOND / sessions.length,
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, WARMUP_MS));
      log(`${target.name}: ${level} sessions open, measuring for ${STEP_MS / 1000} s…`);
      window.start = now();
      window.end = Infinity;
      const cpuAtStart = target.serverCpuMs();
      const ownCpuAtStart = process.cpuUsage();
      await new Promise((resolve) => setTimeout(resolve, STEP_MS));
      window.end = now();
      const serverCpuUsPerBatch = sent === 0 ? NaN : Math.round(((target.serverCpuMs() - cpuAtStart) * 1000) / sent);
      const ownCpu = process.cpuUsage(ownCpuAtStart);
      const generatorCpuUsPerBatch = sent === 0 ? NaN : Math.round((ownCpu.user + ownCpu.system) / sent);
      for (const timer of timers) clearInterval(timer);
      // Let in-flight batches land; one still missing after this is counted as lost.
      const landBy = now() + LANDING_MS;
      while (received < sent && now() < landBy) await new Promise((resolve) => setTimeout(resolve, 20));
      const sorted = latencies.sort((a, b) => a - b);
      const step = {
        sessions: level,
        sent,
        received,
        p50: round(percentile(sorted, 0.5)),
        p99: round(percentile(sorted, 0.99)),
        serverCpuUsPerBatch,
        generatorCpuUsPerBatch,
        sentPercent: Math.round((100 * sent) / ((level * BATCHES_PER_SECOND * STEP_MS) / 1000)),
      };
      steps.push(step);
      log(
        `${target.name}: ${level} sessions, ${sent} sent, ${received} received, p50 ${step.p50} ms, p99 ${step.p99} ms, ` +
          `server CPU ${serverCpuUsPerBatch} µs per batch (load generator ${generatorCpuUsPerBatch} µs, ${step.sentPercent}% of the step's frames sent)`,
      );
      if (step.p99 > P99_LIMIT_MS || received < sent * 0.99) break;
      capacity = level;
    }
  } finally {
    await Promise.allSettled(sessions.map((session) => session.close()));
    await target.stop();
  }
  return { steps, capacity };
}

const round = (value: number) => Math.round(value * 10) / 10;
