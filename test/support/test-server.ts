import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../server/core/db/open-database.ts';
import { startServer, type RunningServer, type StartOptions } from '../../server/start-server.ts';
import { seedDemoUsers } from '../../prisma/seed.ts';
import { prismaPaths } from '../../prisma/tools/paths.ts';

export interface TestServer extends RunningServer {
  /** Removes the temporary database too. */
  close: () => Promise<void>;
}

/** A real server on a free port with a fresh, migrated SQLite database of its own. */
export async function startTestServer(options: StartOptions = {}): Promise<TestServer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cobrowse-test-'));
  const file = path.join(dir, 'test.db');
  const seedDemo = options.config?.seedDemoUsers ?? true;
  if (seedDemo && !options.config?.databaseUrl) await copyFile(await seededTemplate(), file);
  const server = await startServer({
    pages: false,
    log: () => {},
    ...options,
    config: {
      port: 0,
      host: '127.0.0.1',
      databaseUrl: `file:${file}`,
      seedDemoUsers: true,
      // Suites start dozens of sessions from 127.0.0.1 within a minute; the limit's own tests set it.
      startSessionsPerAddressPerMinute: 10_000,
      ...options.config,
    },
  });
  return {
    ...server,
    close: async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A migrated database with the demo users, made once per set of migrations and copied for each
 * server: migrating and hashing the demo password are most of a test server's start.
 */
async function seededTemplate(): Promise<string> {
  const dir = prismaPaths.sqliteMigrations;
  const hash = createHash('sha256');
  for (const name of (await readdir(dir)).sort())
    hash.update(name).update(await readFile(path.join(dir, name, 'migration.sql')).catch(() => ''));
  const template = path.join(tmpdir(), `cobrowse-test-template-${hash.digest('hex').slice(0, 16)}.db`);
  if (
    await stat(template).then(
      () => true,
      () => false,
    )
  )
    return template;
  const scratch = await mkdtemp(path.join(tmpdir(), 'cobrowse-template-'));
  const database = await openDatabase(`file:${path.join(scratch, 'template.db')}`);
  await seedDemoUsers(database.prisma, () => {});
  // One file, no write-ahead log beside it, so a copy holds everything.
  await database.prisma.$queryRawUnsafe('PRAGMA journal_mode = DELETE');
  await database.close();
  // Renamed whole: a file running at the same moment sees no template or all of it.
  await rename(path.join(scratch, 'template.db'), template);
  await rm(scratch, { recursive: true, force: true });
  return template;
}
