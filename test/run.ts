/**
 * Runs the test files with Node's test runner, one file at a time by default, and prints each
 * file's report (TAP) whole when the file ends, then the totals of every file and the slowest ones.
 * `npm test -- test/a.test.ts …` runs only those files.
 *
 * `TEST_LANES=2` runs two files at once on two lanes: the files that drive Chromium one after
 * another on the first, every other file on the second (the PostgreSQL and Redis files are all
 * there, so they never meet on the shared database). On a 2-core machine each file ran slower
 * beside the other lane (the whole suite took longer than one lane had), so one lane is the default.
 */
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

const TEST_DIR = path.dirname(new URL(import.meta.url).pathname);
const RUNNER_FLAGS = ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=tap'];
/**
 * A file still running after this long is stopped and fails the run. Node's own per-test timeout
 * would count the whole file as one test, and a long browser suite on a loaded machine outgrows it.
 */
const FILE_TIMEOUT_MS = 15 * 60_000;
const TOTALS = ['tests', 'suites', 'pass', 'fail', 'cancelled', 'skipped', 'todo'] as const;

type Totals = Record<(typeof TOTALS)[number], number>;

interface FileResult {
  file: string;
  totals: Totals;
  exitCode: number;
  ms: number;
}

/** The files that start Chromium: they run one at a time. */
const drivesBrowser = async (file: string) => /\b(browserSuite|launchBrowser)\(/.test(await readFile(file, 'utf8'));

async function testFiles(args: string[]): Promise<string[]> {
  if (args.length) return args.map((file) => path.resolve(file));
  const names = (await readdir(TEST_DIR)).filter((name) => name.endsWith('.test.ts')).sort();
  return names.map((name) => path.join(TEST_DIR, name));
}

/** Reads the runner's closing counts (`# pass 12`) from a file's TAP report. */
function readTotals(report: string): Totals {
  const totals = Object.fromEntries(TOTALS.map((name) => [name, 0])) as Totals;
  for (const name of TOTALS) {
    const match = new RegExp(`^# ${name} (\\d+)$`, 'm').exec(report);
    if (match) totals[name] = Number(match[1]);
  }
  return totals;
}

function runFile(file: string): Promise<FileResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...RUNNER_FLAGS, path.relative(process.cwd(), file)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      chunks.push(Buffer.from(`\n# file stopped: still running after ${FILE_TIMEOUT_MS / 60_000} minutes\n`));
      child.kill('SIGKILL');
    }, FILE_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const report = Buffer.concat(chunks).toString();
      const ms = performance.now() - started;
      const name = path.relative(process.cwd(), file);
      process.stdout.write(`${report}${report.endsWith('\n') ? '' : '\n'}# file ${name}: ${(ms / 1000).toFixed(1)} s\n`);
      const totals = readTotals(report);
      const exitCode = code ?? (signal ? 1 : 0);
      // A file that died before its summary still fails the run.
      if (exitCode !== 0 && totals.fail === 0) totals.fail = 1;
      resolve({ file: name, totals, exitCode, ms });
    });
  });
}

async function runLane(files: string[], results: FileResult[]): Promise<void> {
  for (const file of files) results.push(await runFile(file));
}

const files = await testFiles(process.argv.slice(2));
const browser: string[] = [];
const other: string[] = [];
for (const file of files) ((await drivesBrowser(file)) ? browser : other).push(file);
const lanes = process.env.TEST_LANES === '2' ? [browser, other] : [[...browser, ...other]];

const started = performance.now();
const results: FileResult[] = [];
await Promise.all(lanes.map((lane) => runLane(lane, results)));

const failed = results.filter((result) => result.totals.fail > 0 || result.exitCode !== 0);
const sums = Object.fromEntries(TOTALS.map((name) => [name, results.reduce((sum, result) => sum + result.totals[name], 0)]));
const slowest = [...results].sort((a, b) => b.ms - a.ms).slice(0, 5);
console.log(`# slowest files: ${slowest.map((result) => `${result.file} ${(result.ms / 1000).toFixed(0)} s`).join(', ')}`);
console.log(`# files ${results.length}${failed.length ? `, failing: ${failed.map((result) => result.file).join(', ')}` : ''}`);
for (const name of TOTALS) console.log(`# ${name} ${sums[name]}`);
console.log(`# duration_ms ${Math.round(performance.now() - started)}`);
process.exitCode = failed.length ? 1 : 0;
