import { pathToFileURL } from 'node:url';
import { driveSessions } from './relay-capacity.ts';
import { openProductSession, type BenchSession } from './relay-targets.ts';
import { spawnServer } from './spawn-server.ts';
import type { SessionMemorySummary } from './summaries.ts';
import { judgeSessionMemory, printVerdicts } from './targets.ts';

/** Active sessions measured (BENCH_MEMORY_SESSIONS), beyond a few open in both readings. */
const SESSIONS = Number(process.env.BENCH_MEMORY_SESSIONS ?? 200);
/** Open in the baseline too, so one-time costs (compiled code, caches, pools) fall out of the delta. */
const BASE_SESSIONS = 10;
const DRIVEN_MS = 3000;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const kb = (bytes: number) => Math.round(bytes / 1024);

/**
 * Server memory per active session: the server (with --expose-gc) holds BASE_SESSIONS busy
 * sessions, then BASE_SESSIONS + SESSIONS; each reading is taken while they send, after a full
 * garbage collection, and the difference is divided by SESSIONS. Kernel socket buffers are not in
 * a process's RSS; ws's own buffers are (in `external`).
 */
export async function measureSessionMemory(log: (line: string) => void): Promise<SessionMemorySummary> {
  const server = await spawnServer('./cobrowse-server.ts', [String(BASE_SESSIONS + SESSIONS)], ['--expose-gc']);
  const sessions: BenchSession[] = [];
  const reading = async (count: number) => {
    const url = server.url;
    while (sessions.length < count) sessions.push(await openProductSession({ customerUrl: url, agentUrl: url }, sessions.length, () => {}));
    const stop = driveSessions(sessions);
    await pause(DRIVEN_MS);
    const stats = await server.stats({ gc: true });
    stop();
    log(
      `session memory: ${count} active sessions, RSS ${kb(stats.rssBytes)} KB, heap ${kb(stats.heapUsedBytes)} KB, external ${kb(stats.externalBytes)} KB`,
    );
    return stats;
  };
  try {
    const base = await reading(BASE_SESSIONS);
    const full = await reading(BASE_SESSIONS + SESSIONS);
    const per = (key: 'rssBytes' | 'heapUsedBytes' | 'externalBytes') => Math.round((full[key] - base[key]) / 1024 / SESSIONS);
    return {
      sessions: SESSIONS,
      afterGc: base.afterGc && full.afterGc,
      rssKBPerSession: per('rssBytes'),
      heapKBPerSession: per('heapUsedBytes'),
      externalKBPerSession: per('externalBytes'),
    };
  } finally {
    await Promise.allSettled(sessions.map((session) => session.close()));
    await server.stop();
  }
}

// This step alone: `node --import tsx bench/session-memory.ts`.
if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  process.exitCode = printVerdicts(judgeSessionMemory(await measureSessionMemory((line) => console.log(line)))) ? 0 : 1;
}
