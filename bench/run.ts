import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { measureBrowserLatency } from './browser-latency.ts';
import { BATCHES_PER_SECOND, P99_LIMIT_MS, measureCapacity } from './relay-capacity.ts';
import { bareRelay, cobrowseServer } from './relay-targets.ts';
import { measureFirstSnapshot } from './widget-snapshot.ts';

// `npm run bench`: session capacity of the product against a bare ws relay in one run, the
// browser end-to-end latency of one session, and the widget's first full snapshot of a large page,
// in real Chromium (SPEC §7).
const levels = (process.env.BENCH_LEVELS ?? '10,25,50,100,200,300,400').split(',').map(Number);
const log = (line: string) => console.log(line);

const bare = await measureCapacity(bareRelay(), levels, log);
const product = await measureCapacity(cobrowseServer(), levels, log);
const browser = await measureBrowserLatency(log);
const snapshot = await measureFirstSnapshot(log);
const ratio = bare.capacity === 0 ? 0 : product.capacity / bare.capacity;

const result = {
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
  load: { batchesPerSecondPerSession: BATCHES_PER_SECOND, p99LimitMs: P99_LIMIT_MS, levels },
  bareRelay: bare,
  cobrowse: product,
  capacityRatio: Math.round(ratio * 100) / 100,
  browserLatencyMs: browser,
  widgetFirstSnapshot: snapshot,
};
const dir = fileURLToPath(new URL('./results/', import.meta.url));
await mkdir(dir, { recursive: true });
await writeFile(`${dir}relay-capacity.json`, `${JSON.stringify(result, null, 2)}\n`);
console.log(
  `\ncapacity at p99 ≤ ${P99_LIMIT_MS} ms: bare ws ${bare.capacity} sessions, cobrowse ${product.capacity} sessions (${Math.round(ratio * 100)}% of bare; target ≥ 50%)`,
);
