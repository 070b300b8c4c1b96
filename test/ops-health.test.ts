import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../server/observability/logger.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { waitFor } from './support/wait-for.ts';
import { freePort, startPrivateRedis } from './support/services.ts';

const readyz = async (server: TestServer) => {
  const response = await fetch(`${server.url}/readyz`);
  return { status: response.status, body: (await response.json()) as { status: string; checks: Record<string, string> } };
};

describe('health and readiness', () => {
  let server: TestServer;
  let redis: ChildProcess | undefined;
  let redisPort: number;
  const lines: string[] = [];

  before(async () => {
    redisPort = await freePort();
    redis = await startPrivateRedis(redisPort);
    server = await startTestServer({
      config: { redisUrl: `redis://127.0.0.1:${redisPort}` },
      logger: createLogger({ level: 'warn', lines: (line) => lines.push((JSON.parse(line) as { msg: string }).msg) }),
    });
  });
  after(async () => {
    await server?.close();
    redis?.kill('SIGKILL');
  });

  it('GET /healthz says the process is up', async () => {
    const response = await fetch(`${server.url}/healthz`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: 'ok' });
    assert.equal(response.headers.get('cache-control'), 'no-store');
  });

  it('GET /readyz is ready while the database and Redis answer', async () => {
    const { status, body } = await readyz(server);
    assert.equal(status, 200);
    assert.deepEqual(body, { status: 'ready', checks: { database: 'ok', redis: 'ok' } });
  });

  it('GET /readyz answers 503 naming Redis while it is down, and recovers when it is back', async () => {
    redis!.kill('SIGKILL');
    await once(redis!, 'exit');
    const down = await waitFor(async () => {
      const answer = await readyz(server);
      return answer.status === 503 ? answer : undefined;
    }, 'readiness to report Redis down');
    assert.equal(down.body.status, 'not ready');
    assert.equal(down.body.checks.database, 'ok');
    // Outside, only that it is down (the whole answer is this): the reason is in the server log alone.
    assert.deepEqual(down.body, { status: 'not ready', checks: { database: 'ok', redis: 'down' } });
    const reason = await waitFor(() => lines.find((line) => line.startsWith('Readiness: redis is down: ')), 'the reason in the log');
    assert.ok(reason.length > 'Readiness: redis is down: '.length, reason);
    // The process itself is still alive: a restart would not help.
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);

    redis = await startPrivateRedis(redisPort);
    const back = await waitFor(async () => {
      const answer = await readyz(server);
      return answer.status === 200 ? answer : undefined;
    }, 'readiness to recover');
    assert.deepEqual(back.body.checks, { database: 'ok', redis: 'ok' });
  });
});
