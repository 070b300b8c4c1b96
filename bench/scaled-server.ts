import { startServer } from '../server/start-server.ts';
import { POSTGRES_URL, REDIS_URL } from '../test/support/services.ts';
import { LIFTED_LIMITS, seedBenchAgents } from './bench-server-setup.ts';
import { reportStatsOnRequest } from './server-stats.ts';

// One of the instances of the through-Redis capacity step: the product's server (API only) on a
// PostgreSQL schema and a Redis prefix it shares with the other instance. Arguments: the schema,
// the prefix, and how many bench agents to seed (0 on the second instance, which finds them).
reportStatsOnRequest();
const [schema, prefix, agents] = process.argv.slice(2);
const server = await startServer({
  pages: false,
  log: () => {},
  config: {
    port: 0,
    host: '127.0.0.1',
    databaseUrl: `${POSTGRES_URL}?schema=${schema}`,
    redisUrl: REDIS_URL,
    redisPrefix: prefix,
    seedDemoUsers: false,
    ...LIFTED_LIMITS,
  },
});
if (Number(agents) > 0) await seedBenchAgents(server, Number(agents));
process.stdout.write(`READY ${server.url}\n`);
process.on('SIGTERM', () => void server.stop().then(() => process.exit(0)));
