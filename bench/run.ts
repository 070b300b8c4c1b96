import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { startTestServer } from '../test/support/test-server.ts';
import { measureBrowserLatency } from './browser-latency.ts';
import { BATCHES_PER_SECOND, P99_LIMIT_MS, measureCapacity } from './relay-capacity.ts';
import { bareRelay, cobrowseServer } from './relay-targets.ts';
import { judgeTargets } from './targets.ts';
import { measureFirstSnapshot } from './widget-snapshot.ts';

// `npm run bench`: session capacity of the product against a bare ws relay in one run, the
// browser end-to-end latency of one session, and the widget's first full snapshot of a large page,
// in real Chromium (SPEC §7). Every figure is this run's: a missed target is printed and fails
// the command, and no figure from an earlier run is carried over.
const levels = (process.env.BENCH_LEVELS ?? '10,25,50,100,200,300,400').split(',').map(Number);
const log = (line: string) => console.log(line);

const bare = await measureCapacity(bareRelay(), levels, log);
const product = await measureCapacity(cobrowseServer(), levels, log);
// One server with pages for both browser steps: Next.js keeps process-wide state, and a second
// Next instance in the same process after the first closed fails ("AwaiterOnce already awaited").
const pagesServer = await startTestServer({ pages: true });
let browser, snapshot;
try {
  browser = await measureBrowserLatency(pagesServer, log);
  snapshot = await measureFirstSnapshot(pagesServer, log);
} catch (error) {
  // Next.js installs an uncaughtException handler that only logs: exit non-zero ourselves.
  console.error('BENCH FAILED:', error);
  process.exit(1);
} finally {
  await pagesServer.close();
}
const ratio = bare.capacity === 0 ? 0 : product.capacity / bare.capacity;

const result = {
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, loadAverage: os.loadavg() },
  load: { batchesPerSecondPerSession: BATCHES_PER_SECOND, p99LimitMs: P99_LIMIT_MS, levels },
  bareRelay: bare,
  cobrowse: product,
  capacityRatio: Math.round(ratio * 100) / 100,
  browserLatencyMs: browser,
  widgetFirstSnapshot: snapshot,
};
const verdicts = judgeTargets(result);
const dir = fileURLToPath(new URL('./results/', import.meta.url));
await mkdir(dir, { recursive: true });
const body = `${JSON.stringify({ ...result, targets: verdicts }, null, 2)}\n`;
await writeFile(`${dir}relay-capacity.json`, body);
await writeFile(`${dir}run-${result.date.replace(/[:.]/g, '-')}.json`, body);

console.log(`\n${'target'.padEnd(46)} ${'wanted'.padEnd(14)} measured`);
for (const verdict of verdicts) {
  console.log(`${verdict.met ? 'met   ' : 'MISSED'} ${verdict.name.padEnd(39)} ${verdict.wanted.padEnd(14)} ${verdict.measured}`);
}
const missed = verdicts.filter((verdict) => !verdict.met);
if (missed.length > 0) {
  console.error(`\nBENCH: ${missed.length} of ${verdicts.length} targets MISSED in this run (results in bench/results/).`);
  process.exitCode = 1;
}
