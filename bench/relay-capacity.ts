import { realisticEventsJson } from './event-mix.ts';
import type { BenchSession, RelayTarget } from './relay-targets.ts';

/** Each session's customer records one frame of events 30 times a second while busy. */
export const BATCHES_PER_SECOND = 30;
const STEP_MS = 4000;
const WARMUP_MS = 1000;
export const P99_LIMIT_MS = 100;
/** How long a step waits, after its last send, for batches still in flight. */
const LANDING_MS = 2000;
/**
 * A step counts only when the load generator sent at least this share of its frames: below it,
 * the generator could not keep its timers and the step tested less load than its sessions say.
 */
export const MIN_SENT_PERCENT = 98;

export interface StepResult {
  sessions: number;
  sent: number;
  received: number;
  p50: number;
  p99: number;
  /**
   * The server's CPU time per customer frame relayed in the step (µs): unlike latency, it hardly
   * moves when other processes share the machine, so levers can be compared on a busy one.
   */
  serverCpuUsPerBatch: number;
  /**
   * The load generator's own CPU time per frame (µs), customers and agents together: it shares
   * the machine with the server, so a heavy generator lowers the capacity it measures.
   */
  generatorCpuUsPerBatch: number;
  /** The share of the step's frames the load generator managed to send (%). */
  sentPercent: number;
}

/**
 * How the stepping ended. `exact`: a step failed on p99 or lost batches (or its sessions could
 * not be opened), so capacity is the last step that held. `at least`: every step held, or the
 * generator could not send a step's frames — the relay's capacity is only known to be at least
 * the figure.
 */
export type CapacityBound = 'exact' | 'at least';

export interface CapacityResult {
  steps: StepResult[];
  capacity: number;
  bound: CapacityBound;
  /** Why the stepping stopped, in words. */
  ended: string;
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? Infinity : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
const now = () => performance.timeOrigin + performance.now();
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (value: number) => Math.round(value * 10) / 10;

/** How often the driver looks for frames that are due. */
const TICK_MS = 4;

/**
 * Drives sessions as busy customers: each sends one frame every 1/30 s, the sessions spread over
 * the frame. One ticker sends every frame due by the clock, so a late tick catches up instead of
 * losing frames (per-session setInterval timers drift on a busy machine, and the step then tested
 * less load than it claimed); frames still fall short only when the generator runs out of CPU.
 * `onFrame` learns when each frame left. Stop with the returned function.
 */
export function driveSessions(sessions: BenchSession[], onFrame: (at: number) => void = () => {}): () => void {
  const start = now();
  const framesPerMs = (sessions.length * BATCHES_PER_SECOND) / 1000;
  let sentFrames = 0;
  const ticker = setInterval(() => {
    const at = now();
    const due = Math.floor((at - start) * framesPerMs);
    for (; sentFrames < due; sentFrames++) {
      sessions[sentFrames % sessions.length]!.send({ seq: sentFrames, sentAt: at, eventsJson: realisticEventsJson(sentFrames) });
      onFrame(at);
    }
  }, TICK_MS);
  return () => clearInterval(ticker);
}

/**
 * Latency of the frames sent inside a window, whenever they arrive: a backlog sent before the
 * window does not count, and a slow frame sent inside it is waited for. Pass `onReceive` to
 * every session opened.
 */
export function latencyWindow() {
  const window = { start: Infinity, end: -Infinity };
  let latencies: number[] = [];
  let sent = 0;
  const inWindow = (at: number) => at >= window.start && at <= window.end;
  return {
    onReceive: (sentAt: number) => {
      if (inWindow(sentAt)) latencies.push(now() - sentAt);
    },
    onFrame: (at: number) => {
      if (inWindow(at)) sent++;
    },
    open() {
      latencies = [];
      sent = 0;
      window.start = now();
      window.end = Infinity;
    },
    close: () => (window.end = now()),
    /** How long the window was open (ms): a pause of STEP_MS lasts longer on a busy machine. */
    get durationMs() {
      return window.end - window.start;
    },
    get sent() {
      return sent;
    },
    get received() {
      return latencies.length;
    },
    /** Waits for frames still in flight (those missing after it count as lost), then the figures. */
    async settle() {
      const landBy = now() + LANDING_MS;
      while (latencies.length < sent && now() < landBy) await pause(20);
      const sorted = latencies.sort((a, b) => a - b);
      return { sent, received: sorted.length, p50: round(percentile(sorted, 0.5)), p99: round(percentile(sorted, 0.99)) };
    },
  };
}

export type LatencyWindow = ReturnType<typeof latencyWindow>;

/** One step: the open sessions driven for a warm-up and STEP_MS (or `stepMs`), measured. */
export async function measureStep(
  target: Pick<RelayTarget, 'name' | 'serverCpuMs'>,
  sessions: BenchSession[],
  meter: LatencyWindow,
  log: (line: string) => void,
  stepMs = STEP_MS,
): Promise<StepResult> {
  const stop = driveSessions(sessions, meter.onFrame);
  await pause(WARMUP_MS);
  log(`${target.name}: ${sessions.length} sessions open, measuring for ${stepMs / 1000} s…`);
  meter.open();
  const cpuAtStart = target.serverCpuMs();
  const ownCpuAtStart = process.cpuUsage();
  await pause(stepMs);
  meter.close();
  const sent = meter.sent;
  const serverCpuUsPerBatch = sent === 0 ? NaN : Math.round(((target.serverCpuMs() - cpuAtStart) * 1000) / sent);
  const ownCpu = process.cpuUsage(ownCpuAtStart);
  const generatorCpuUsPerBatch = sent === 0 ? NaN : Math.round((ownCpu.user + ownCpu.system) / sent);
  stop();
  const figures = await meter.settle();
  const step: StepResult = {
    sessions: sessions.length,
    ...figures,
    serverCpuUsPerBatch,
    generatorCpuUsPerBatch,
    sentPercent: Math.round((100 * sent) / ((sessions.length * BATCHES_PER_SECOND * meter.durationMs) / 1000)),
  };
  log(
    `${target.name}: ${step.sessions} sessions, ${step.sent} sent, ${step.received} received, p50 ${step.p50} ms, p99 ${step.p99} ms, ` +
      `server CPU ${serverCpuUsPerBatch} µs per batch (load generator ${generatorCpuUsPerBatch} µs, ${step.sentPercent}% of the step's frames sent)`,
  );
  return step;
}

/** Whether a step measured its full load: the generator sent its frames. */
export const generatorKeptUp = (step: StepResult) => step.sent > 0 && step.sentPercent >= MIN_SENT_PERCENT;

/**
 * Whether a step held: its full load sent, p99 within the limit, nothing lost. Only then is its
 * CPU per batch a price per batch relayed: a server that falls behind spends its CPU on fewer
 * batches than were sent in the window.
 */
export const stepHeld = (step: StepResult) => generatorKeptUp(step) && step.p99 <= P99_LIMIT_MS && step.received >= step.sent * 0.99;

/**
 * Raises the number of concurrent sessions step by step and measures customer-send →
 * agent-receive latency at each; stops once p99 exceeds the limit, a step loses messages, or the
 * load generator could not send a step's frames (that step does not count).
 */
export async function measureCapacity(target: RelayTarget, levels: number[], log: (line: string) => void): Promise<CapacityResult> {
  await target.start(levels[levels.length - 1]!);
  const sessions: BenchSession[] = [];
  const meter = latencyWindow();
  const steps: StepResult[] = [];
  let capacity = 0;
  let bound: CapacityBound = 'at least';
  let ended = `held every step up to ${levels.at(-1)} sessions`;
  try {
    for (const level of levels) {
      try {
        while (sessions.length < level) sessions.push(await target.openSession(sessions.length, meter.onReceive));
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
        [bound, ended] = ['exact', `${level} sessions could not be opened`];
        break;
      }
      const step = await measureStep(target, sessions, meter, log);
      steps.push(step);
      if (!generatorKeptUp(step)) {
        [bound, ended] = ['at least', `the load generator sent only ${step.sentPercent}% of the frames at ${level} sessions`];
        break;
      }
      if (!stepHeld(step)) {
        [bound, ended] = ['exact', step.p99 > P99_LIMIT_MS ? `p99 over ${P99_LIMIT_MS} ms at ${level}` : `batches lost at ${level}`];
        break;
      }
      capacity = level;
    }
  } finally {
    await Promise.allSettled(sessions.map((session) => session.close()));
    await target.stop();
  }
  log(`${target.name}: capacity ${bound === 'at least' ? '≥ ' : ''}${capacity} sessions (${ended})`);
  return { steps, capacity, bound, ended };
}

/**
 * Server CPU per batch of the product against the relay's, at the highest number of sessions
 * both held (stepHeld): null when there is none.
 */
export function cpuPerBatchRatio(product: CapacityResult, relay: CapacityResult) {
  const valid = (result: CapacityResult) => new Map(result.steps.filter(stepHeld).map((step) => [step.sessions, step]));
  const relaySteps = valid(relay);
  const common = [...valid(product).values()].filter((step) => relaySteps.has(step.sessions)).at(-1);
  if (!common) return null;
  const relayUs = relaySteps.get(common.sessions)!.serverCpuUsPerBatch;
  return {
    sessions: common.sessions,
    productUs: common.serverCpuUsPerBatch,
    relayUs,
    ratio: Math.round((common.serverCpuUsPerBatch / relayUs) * 100) / 100,
  };
}
