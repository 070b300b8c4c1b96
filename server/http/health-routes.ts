import express, { type Router } from 'express';
import { Redis } from 'ioredis';
import type { Config } from '../core/config.ts';
import type { PrismaClient } from '../core/db/index.ts';

/** A dependency is "down" for readiness when it has not answered within this long. */
const CHECK_TIMEOUT_MS = 2000;

type Check = () => Promise<void>;

const withTimeout = (check: Check): Promise<void> =>
  Promise.race([
    check(),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS).unref()),
  ]);

/**
 * GET /healthz: the process is up (for restarts). GET /readyz: the database — and Redis when
 * configured — answer now (for load balancers: take this instance out while they do not).
 * Readiness pings Redis on a connection of its own, so a stuck pub/sub does not hide an outage.
 * Both are public: they say only `ok` or `down`; why a dependency is down goes to the server log
 * (its errors name hosts, ports and users).
 */
export function healthRoutes(deps: { db: PrismaClient; config: Config; warn: (line: string) => void }): {
  router: Router;
  close: () => Promise<void>;
} {
  const redis = deps.config.redisUrl
    ? new Redis(deps.config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false })
    : null;
  redis?.on('error', () => {}); // reported by /readyz, not as unhandled errors
  const checks: Record<string, Check> = {
    database: async () => {
      await deps.db.$queryRawUnsafe('SELECT 1');
    },
    ...(redis
      ? {
          redis: async () => {
            if (redis.status === 'wait' || redis.status === 'end') await redis.connect();
            await redis.ping();
          },
        }
      : {}),
  };

  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.set('cache-control', 'no-store').json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          await withTimeout(check);
          return [name, 'ok'] as const;
        } catch (error) {
          deps.warn(`Readiness: ${name} is down: ${error instanceof Error ? error.message : String(error)}`);
          return [name, 'down'] as const;
        }
      }),
    );
    const ready = results.every(([, state]) => state === 'ok');
    res
      .status(ready ? 200 : 503)
      .set('cache-control', 'no-store')
      .json({ status: ready ? 'ready' : 'not ready', checks: Object.fromEntries(results) });
  });
  // quit() waits for a connection that a never-probed lazy client will not make: disconnect() does not.
  const close = async () => {
    if (!redis) return;
    if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
    else redis.disconnect();
  };
  return { router, close };
}
