import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { after, before } from 'node:test';
import pg from 'pg';
import { startTestServer, type TestServer } from './test-server.ts';
import { waitFor } from './wait-for.ts';

/** The shared PostgreSQL and Redis of this machine kind (override for other machines). */
export const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  probe.close();
  return port;
}

/** A Redis of the test's own, so stopping or restarting it disturbs nobody else's tests. */
export async function startPrivateRedis(port: number): Promise<ChildProcess> {
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'pipe',
  });
  let output = '';
  redis.stdout?.on('data', (chunk: Buffer) => (output += chunk));
  await waitFor(() => output.includes('Ready to accept connections'), 'the private Redis to start');
  return redis;
}

/** Drops a PostgreSQL schema a test made in the shared database. */
export async function dropSchema(schema: string): Promise<void> {
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
}

/**
 * For a scale-out suite: two server instances sharing a fresh PostgreSQL schema and Redis
 * (under a prefix of their own), started before the suite and stopped, schema dropped, after it.
 */
export function twoInstances(name: string, config: Record<string, unknown> = {}) {
  const schema = `cobrowse_${name}_${process.pid}_${Date.now()}`;
  let a: TestServer | undefined;
  let b: TestServer | undefined;
  before(async () => {
    const shared = {
      databaseUrl: `${POSTGRES_URL}?schema=${schema}`,
      redisUrl: REDIS_URL,
      redisPrefix: `${name}-${process.pid}`,
      ...config,
    };
    // One after the other: the first applies the migrations, the second finds them done.
    a = await startTestServer({ config: shared });
    b = await startTestServer({ config: shared });
  });
  after(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await dropSchema(schema);
  });
  return {
    get a(): TestServer {
      return a!;
    },
    get b(): TestServer {
      return b!;
    },
  };
}
