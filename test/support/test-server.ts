import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, type RunningServer, type StartOptions } from '../../server/start-server.ts';

export interface TestServer extends RunningServer {
  /** Removes the temporary database too. */
  close: () => Promise<void>;
}

/** A real server on a free port with a fresh, migrated SQLite database of its own. */
export async function startTestServer(options: StartOptions = {}): Promise<TestServer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cobrowse-test-'));
  const server = await startServer({
    pages: false,
    log: () => {},
    ...options,
    config: {
      port: 0,
      host: '127.0.0.1',
      databaseUrl: `file:${path.join(dir, 'test.db')}`,
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
