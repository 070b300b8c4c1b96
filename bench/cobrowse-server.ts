import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hashPassword } from '../server/auth/passwords.ts';
import { startServer } from '../server/start-server.ts';

// The product's server as the capacity benchmark runs it: API only (no pages), a fresh SQLite
// database, and as many agents as the benchmark has sessions (an agent holds one session at a time).
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
    // Every simulated customer comes from 127.0.0.1: lift the per-address limits meant for the internet.
    startSessionsPerAddressPerMinute: 1_000_000,
    sendEventsPerAddressPerMinute: 100_000_000,
    maxSocketsPerAddress: 1_000_000, // two sockets per session, all from one address
    sessionStartsPerAddressPerHour: 1_000_000,
    recordingBytesPerAddressPerHour: Number.MAX_SAFE_INTEGER,
  },
});
const passwordHash = await hashPassword('bench');
await server.deps.db.user.createMany({
  data: Array.from({ length: agents }, (_, i) => ({
    email: `bench-agent-${i}@example.com`,
    name: `Bench Agent ${i}`,
    role: 'AGENT' as const,
    passwordHash,
  })),
});
process.stdout.write(`READY ${server.url}\n`);
process.on('SIGTERM', () => void server.stop().then(() => process.exit(0)));
