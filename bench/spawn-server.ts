import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ServerStats } from './server-stats.ts';

export interface SpawnedServer {
  url: string;
  /** CPU time (user + system, ms) the server process has used so far; NaN where /proc is missing. */
  cpuMs: () => number;
  /** Restarts the server's event-loop delay histogram (servers that call reportStatsOnRequest). */
  resetStats: () => void;
  /** The server's event-loop delay since the last reset and its memory; `gc` collects garbage first where --expose-gc allows. */
  stats: (options?: { gc?: boolean }) => Promise<ServerStats>;
  stop: () => Promise<void>;
}

/** Linux counts a process's CPU time in clock ticks of 10 ms (fields 14 and 15 of /proc/PID/stat). */
const TICK_MS = 10;

function cpuMsOf(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return NaN;
  }
}

/**
 * Runs a server script in its own process (its own core), waiting for its `READY <url>` line.
 * `nodeArgs` go to Node before the script (e.g. --expose-gc), after BENCH_SERVER_NODE_ARGS.
 */
export function spawnServer(script: string, args: string[] = [], nodeArgs: string[] = []): Promise<SpawnedServer> {
  // BENCH_SERVER_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles the server under the bench's load.
  const envNodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(
    process.execPath,
    [...envNodeArgs, ...nodeArgs, '--import', 'tsx', fileURLToPath(new URL(script, import.meta.url)), ...args],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  const statsWaiters: ((stats: ServerStats) => void)[] = [];
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('STATS ')) return statsWaiters.shift()?.(JSON.parse(line.slice(6)) as ServerStats);
      const ready = /^READY (\S+)/.exec(line);
      if (ready)
        resolve({
          url: ready[1]!,
          cpuMs: () => cpuMsOf(child.pid),
          resetStats: () => child.stdin.write('reset\n'),
          stats: ({ gc = false } = {}) =>
            new Promise((answer) => {
              statsWaiters.push(answer);
              child.stdin.write(gc ? 'gc-stats\n' : 'stats\n');
            }),
          stop: () =>
            new Promise((done) => {
              if (child.exitCode !== null || child.signalCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
  });
}
