import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { auditServer, type AuditResult } from 'graphql-http';
import { startTestServer, type TestServer } from './support/test-server.ts';

/** A plain Apollo Server 5 with default options: the yardstick for the GraphQL over HTTP audit's SHOULDs. */
async function startPlainApollo(): Promise<{ url: string; stop: () => Promise<void> }> {
  const apollo = new ApolloServer({ typeDefs: 'type Query { hello: String }', resolvers: { Query: { hello: () => 'world' } } });
  await apollo.start();
  const app = express();
  app.use('/graphql', express.json(), expressMiddleware(apollo));
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    stop: async () => {
      await apollo.stop();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const describeFailures = (results: AuditResult[]) =>
  results.filter((result) => result.status !== 'ok').map((result) => `${result.status} ${result.id} ${result.name}`);

describe('GraphQL over HTTP: the graphql-http audit suite', () => {
  let server: TestServer;
  let ours: AuditResult[];
  let plain: AuditResult[];

  before(async () => {
    server = await startTestServer();
    const yardstick = await startPlainApollo();
    try {
      [ours, plain] = await Promise.all([auditServer({ url: `${server.url}/api/graphql` }), auditServer({ url: yardstick.url })]);
    } finally {
      await yardstick.stop();
    }
  });
  after(() => server?.close());

  it('meets every MUST', () => {
    const mustFailures = ours.filter((result) => result.status === 'error');
    assert.deepEqual(describeFailures(mustFailures), []);
    assert.ok(ours.length >= 50, `the suite ran (${ours.length} audits)`);
  });

  it('meets at least every SHOULD a plain Apollo Server meets', () => {
    const plainOk = new Set(plain.filter((result) => result.status === 'ok').map((result) => result.id));
    const regressions = ours.filter((result) => result.status === 'warn' && plainOk.has(result.id));
    assert.deepEqual(describeFailures(regressions), []);
  });
});
