import { startTestServer } from '../test/support/test-server.ts';
import { BUSY_SESSIONS, LIFTED_LIMITS, seedBenchAgents } from './bench-server-setup.ts';
import { reportStatsOnRequest } from './server-stats.ts';

// The product's server with its pages for the browser benchmarks, in a process of its own: the
// benchmarks time frames by Playwright's reports, which a server in the same event loop delayed
// (by 9–36 ms while it took in a snapshot). Allows the customer's site given as argument; has
// the bench's agents for the busy sessions and the capacity generator's lifted limits.
reportStatsOnRequest();
const server = await startTestServer({ pages: true, config: { allowedOrigins: [process.argv[2]!], ...LIFTED_LIMITS } });
await seedBenchAgents(server, BUSY_SESSIONS);
process.stdout.write(`READY ${server.url}\n`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
