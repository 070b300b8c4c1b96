import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer } from '../server/start-server.ts';
import { LIFTED_LIMITS, seedBenchAgents } from './bench-server-setup.ts';
import { reportStatsOnRequest } from './server-stats.ts';

// The product's server as the capacity benchmark runs it: API only (no pages), a fresh SQLite
// database, and as many agents as the benchmark has sessions (an agent holds one session at a time).
reportStatsOnRequest();
const agents = Number(process.argv[2] ?? 100);
const dir = await mkdtemp(path.join(tmpdir(), 'cobrowse-bench-'));
const server = await startServer({
  pages: false,
  log: () => {},
  config: {
    port: 0,
    host: '127.0.0.1',
    databaseUrl: `file:${path.join(dir, 'bench.db')}`,
    seedDemoUsers: false,
    redisUrl: process.env.BENCH_REDIS_URL,
    ...LIFTED_LIMITS,
  },
});
await seedBenchAgents(server, agents);
process.stdout.write(`READY ${server.url}\n`);
process.on('SIGTERM', () => void server.stop().then(() => process.exit(0)));
