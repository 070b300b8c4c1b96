// Run as a process of its own by test/ops-write-expiry.test.ts: starts a server on the SQLite
// file given, has an agent join a new session and ask for Write Mode with the expiry given (ms),
// prints the request as one JSON line, and runs until it is killed.
import { requestWriteMode } from '../../server/sessions/write-mode.ts';
import { startServer } from '../../server/start-server.ts';
import { gql, signIn, startCustomerSession } from './graphql-client.ts';

const [databaseUrl, ttlMs] = process.argv.slice(2);
const server = await startServer({
  pages: false,
  log: () => {},
  config: { port: 0, host: '127.0.0.1', databaseUrl, seedDemoUsers: true, waitingSessionSweepSeconds: 3600 },
});
const session = await startCustomerSession(server.url);
const cookie = await signIn(server.url, 'agent@example.com');
await gql(server.url, 'mutation($c: String!){ joinSession(code: $c){ id } }', { c: session.code }, { cookie });
const agent = await server.deps.db.user.findUniqueOrThrow({ where: { email: 'agent@example.com' } });
const requested = await requestWriteMode(server.deps, agent, session.id, Number(ttlMs));
process.stdout.write(
  `${JSON.stringify({ sessionId: session.id, requestId: requested.writeRequestId, expiresAt: requested.writeRequestExpiresAt })}\n`,
);
setInterval(() => {}, 60_000);
