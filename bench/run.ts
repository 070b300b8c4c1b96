import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { measureBrowserLatency } from './browser-latency.ts';
import { measureExecutePaths } from './execute-paths.ts';
import { measureCanvas } from './canvas.ts';
import { measureLargePage } from './large-page.ts';
import { measureMutationStorms } from './mutation-storm.ts';
import { BATCHES_PER_SECOND, P99_LIMIT_MS, measureCapacity } from './relay-capacity.ts';
import { bareRelay, cobrowseServer } from './relay-targets.ts';
import { startSiteAndServer } from './standalone.ts';
import { judgeTargets, printVerdicts } from './targets.ts';
import { measureFirstSnapshot } from './widget-snapshot.ts';

// `npm run bench`: session capacity of the product against a bare ws relay in one run, the CPU of
// the hot GraphQL operations under graphql-js and graphql-jit, then in real Chromium
// the end-to-end latency of one session, the widget's first full snapshot of a large page,
// mutation storms against rrweb alone, a real large page and a canvas chart, each judged against its
// target in targets.ts. Every figure is this run's: a missed target is printed and fails the
// command, and no figure from an earlier run is carried over.
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
// Up to 800 sessions: the bare relay holds 400, so a lower top step would cap its capacity and flatter the ratio.
const levels = (process.env.BENCH_LEVELS ?? '10,25,50,100,200,300,400,600,800').split(',').map(Number);
const log = (line: string) => console.log(line);

const bare = await measureCapacity(bareRelay(), levels, log);
const product = await measureCapacity(cobrowseServer(), levels, log);
const executePaths = await measureExecutePaths(log);
// One server with pages for all browser steps, in its own process (bench/pages-server.ts); it
// allows the customer's site of the storm and large-page steps.
const { site, server: pagesServer } = await startSiteAndServer();
let browser, snapshot, mutationStorms, largePage, canvas;
try {
  browser = await measureBrowserLatency(pagesServer, log);
  snapshot = await measureFirstSnapshot(pagesServer, log);
  mutationStorms = await measureMutationStorms(pagesServer, site.origin, log);
  largePage = await measureLargePage(pagesServer, site.origin, log);
  canvas = await measureCanvas(pagesServer, site.origin, log);
} catch (error) {
  // Next.js installs an uncaughtException handler that only logs: exit non-zero ourselves.
  console.error('BENCH FAILED:', error);
  process.exit(1);
} finally {
  await pagesServer.close();
  await site.close();
}
const ratio = bare.capacity === 0 ? 0 : product.capacity / bare.capacity;

const result = {
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, loadAverage: os.loadavg() },
  load: { batchesPerSecondPerSession: BATCHES_PER_SECOND, p99LimitMs: P99_LIMIT_MS, levels },
  bareRelay: bare,
  cobrowse: product,
  capacityRatio: Math.round(ratio * 100) / 100,
  executePaths,
  browserLatencyMs: browser,
  widgetFirstSnapshot: snapshot,
  mutationStorms,
  largePage,
  canvas,
};
const verdicts = judgeTargets(result);
const dir = fileURLToPath(new URL('./results/', import.meta.url));
await mkdir(dir, { recursive: true });
const body = `${JSON.stringify({ ...result, targets: verdicts }, null, 2)}\n`;
await writeFile(`${dir}relay-capacity.json`, body);
await writeFile(`${dir}run-${result.date.replace(/[:.]/g, '-')}.json`, body);

if (!printVerdicts(verdicts)) process.exitCode = 1;
