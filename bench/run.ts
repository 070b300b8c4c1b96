import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { BenchSite } from './bench-site.ts';
import { measureBrowserLatency } from './browser-latency.ts';
import { measureExecutePaths } from './execute-paths.ts';
import { measureCanvas } from './canvas.ts';
import { benchLevels, measureCapacityAgainstRelay } from './capacity.ts';
import { measureLargePage } from './large-page.ts';
import { measureMutationStorms } from './mutation-storm.ts';
import { BATCHES_PER_SECOND, MIN_SENT_PERCENT, P99_LIMIT_MS } from './relay-capacity.ts';
import { measureScaledOut } from './scaled-out.ts';
import { measureSessionMemory } from './session-memory.ts';
import { startSiteAndServer, type PagesServer } from './standalone.ts';
import { judgeTargets, printVerdicts, type RunFigures } from './targets.ts';
import { measureWaitingCustomers } from './waiting-customers.ts';
import { measureWidgetIdle } from './widget-idle.ts';
import { measureFirstSnapshot } from './widget-snapshot.ts';

// `npm run bench`: every step of STEPS in turn, each judged against its targets in targets.ts.
// Every figure is this run's: a missed target is printed and fails the command, and no figure
// from an earlier run is carried over. BENCH_STEPS=capacity,largePage runs only those steps (the
// others' targets are then MISSED as not measured).
for (const [built, how] of [
  ['../dist/widget.js', 'npm run build:widget'],
  ['../.next/BUILD_ID', 'npm run build:app'],
] as const) {
  if (!existsSync(new URL(built, import.meta.url))) {
    console.error(
      `BENCH: ${built.slice(3)} is missing — the browser steps need the built product: run \`${how}\` (or \`npm run build\`) first.`,
    );
    process.exit(1);
  }
}
const levels = benchLevels();
const log = (line: string) => console.log(line);

/** What a step gets: the run's figures so far, and the shared site and server with pages (started on first use). */
interface StepContext {
  run: RunFigures;
  pages: () => Promise<{ site: BenchSite; server: PagesServer }>;
}

/** The steps in the order they run; each result is kept under its key, as targets.ts judges it. */
const STEPS: { [K in keyof RunFigures]-?: [K, (step: StepContext) => Promise<RunFigures[K]>] }[keyof RunFigures][] = [
  ['capacity', () => measureCapacityAgainstRelay(levels, log)],
  ['browserLatencyMs', async ({ pages }) => measureBrowserLatency((await pages()).server, log)],
  ['widgetFirstSnapshot', async ({ pages }) => measureFirstSnapshot((await pages()).server, log)],
  ['mutationStorms', async ({ pages }) => measureMutationStorms((await pages()).server, (await pages()).site.origin, log)],
  ['largePage', async ({ pages }) => measureLargePage((await pages()).server, (await pages()).site.origin, log)],
  ['scaledOut', () => measureScaledOut(levels, log)],
  ['waitingCustomers', () => measureWaitingCustomers(log)],
  ['sessionMemory', () => measureSessionMemory(log)],
  ['widgetIdle', async ({ pages }) => measureWidgetIdle((await pages()).server, log)],
  ['canvas', async ({ pages }) => measureCanvas((await pages()).server, (await pages()).site.origin, log)],
  ['executePaths', () => measureExecutePaths(log)],
];

const only = process.env.BENCH_STEPS?.split(',');
const run: RunFigures = {};
// One server with pages for all browser steps, in its own process (bench/pages-server.ts); it
// allows the customer's site of the storm and large-page steps.
let shared: Promise<{ site: BenchSite; server: PagesServer }> | undefined;
const pages = () => (shared ??= startSiteAndServer());
let failed = false;
try {
  for (const [key, measure] of STEPS) {
    if (only && !only.includes(key)) continue;
    (run as Record<string, unknown>)[key] = await measure({ run, pages } as StepContext);
  }
} catch (error) {
  console.error('BENCH FAILED:', error);
  failed = true;
} finally {
  const started = await shared;
  await started?.server.close();
  await started?.site.close();
}
// Next.js installs an uncaughtException handler that only logs: exit non-zero ourselves, once
// the servers are stopped.
if (failed) process.exit(1);

const result = {
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, loadAverage: os.loadavg() },
  load: { batchesPerSecondPerSession: BATCHES_PER_SECOND, p99LimitMs: P99_LIMIT_MS, minSentPercent: MIN_SENT_PERCENT, levels },
  ...run,
};
const verdicts = judgeTargets(run);
const dir = fileURLToPath(new URL('./results/', import.meta.url));
await mkdir(dir, { recursive: true });
const body = `${JSON.stringify({ ...result, targets: verdicts }, null, 2)}\n`;
await writeFile(`${dir}relay-capacity.json`, body);
await writeFile(`${dir}run-${result.date.replace(/[:.]/g, '-')}.json`, body);

if (!printVerdicts(verdicts)) process.exitCode = 1;
