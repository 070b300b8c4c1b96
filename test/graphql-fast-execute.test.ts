import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { execute, parse, subscribe, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { commonResolvers } from '../graphql/schema/common/resolvers.ts';
import { fastExecute, fastPlanOf, fastSubscribe } from '../graphql/fast-execute.ts';

// The fast path must answer exactly as graphql-js does — data, errors, their paths and
// locations — for every operation it takes, and leave every other operation to graphql-js.
const schema = makeExecutableSchema<{ seen: unknown[] }>({
  typeDefs: /* GraphQL */ `
    scalar JSON
    type Query {
      echo(value: JSON!): JSON!
      maybe(fail: Boolean): Boolean
      count(n: Int!): Int!
      broken: Boolean!
      nothing: Boolean!
      user: User
    }
    type User {
      name: String
    }
    type Mutation {
      send(id: ID!, batch: JSON!): Boolean!
    }
    type Subscription {
      stream(id: ID!): JSON!
    }
  `,
  resolvers: {
    JSON: commonResolvers.JSON!,
    Query: {
      echo: (_root: unknown, { value }: { value: unknown }) => value,
      maybe: async (_root: unknown, { fail }: { fail?: boolean }) => {
        if (fail) throw new Error('asked to fail');
        return true;
      },
      count: (_root: unknown, { n }: { n: number }) => n + 1,
      broken: () => {
        throw new Error('broken resolver');
      },
      nothing: () => null,
      user: () => ({ name: 'Ada' }),
    },
    Mutation: {
      send: async (_root: unknown, { id, batch }: { id: string; batch: unknown }, ctx: { seen: unknown[] }) => {
        ctx.seen.push([id, batch]);
        return true;
      },
    },
    Subscription: {
      stream: {
        subscribe: async (_root: unknown, { id }: { id: string }) => {
          if (id === 'refused') throw new Error('not yours');
          return (async function* () {
            yield { n: 1 };
            yield { n: 2, fail: true };
            yield { n: 3 };
            if (id === 'cut') throw new Error('fell behind');
          })();
        },
        resolve: (message: { n: number; fail?: boolean }) => {
          if (message.fail) throw new Error('bad event');
          return message;
        },
      },
    },
  },
});

const plain = (result: unknown) => JSON.parse(JSON.stringify(result)) as unknown;

function args(query: string, variableValues?: Record<string, unknown>, operationName?: string): ExecutionArgs {
  return { schema, document: parse(query), variableValues, operationName, contextValue: { seen: [] } };
}

async function same(query: string, variables?: Record<string, unknown>) {
  const fast = await fastExecute(args(query, variables));
  const reference = await execute(args(query, variables));
  assert.deepEqual(plain(fast), plain(reference), query);
  return fast;
}

async function collect(result: AsyncIterableIterator<ExecutionResult> | ExecutionResult) {
  if (!(Symbol.asyncIterator in result)) return plain(result);
  const all: unknown[] = [];
  for await (const event of result) all.push(plain(event));
  return all;
}

describe('fast execution of single-scalar-field operations', () => {
  it('takes the fast path only for one root field returning a scalar, without fragments or directives', () => {
    assert.ok(fastPlanOf(args('mutation($id: ID!, $b: JSON!){ send(id: $id, batch: $b) }')));
    assert.ok(fastPlanOf(args('subscription($id: ID!){ stream(id: $id) }')));
    assert.ok(fastPlanOf(args('{ renamed: count(n: 1) }')));
    for (const query of [
      '{ count(n: 1) maybe }',
      '{ user { name } }',
      '{ __typename }',
      '{ count(n: 1) @include(if: true) }',
      'query Q @deprecated { count(n: 1) }',
      '{ ...F } fragment F on Query { count(n: 1) }',
      '{ unknownField }',
    ])
      assert.equal(fastPlanOf(args(query)), null, query);
  });

  it('answers as graphql-js does: values, aliases, variables and their coercion errors', async () => {
    assert.deepEqual(plain(await same('{ count(n: 41) }')), { data: { count: 42 } });
    await same('{ renamed: count(n: 1) }');
    await same('query($v: JSON!){ echo(value: $v) }', { v: { nested: [1, 'two', null] } });
    await same('query($n: Int!){ count(n: $n) }', { n: 'not a number' });
    await same('query($n: Int!){ count(n: $n) }', {});
    await same('query($n: Int!){ count(n: $n) }', { n: 2 ** 40 });
    await same('{ maybe }');
  });

  it('reports resolver errors, nulls in non-null fields and nullable failures with graphql-js’s paths and locations', async () => {
    const broken = await same('{ broken }');
    assert.equal(broken.data, null);
    assert.deepEqual(broken.errors?.[0]?.path, ['broken']);
    await same('{ nothing }');
    await same('{ maybe(fail: true) }');
    await same('{ other: maybe(fail: true) }');
  });

  it('runs mutations with the context and coerced arguments', async () => {
    const call = args('mutation($id: ID!, $b: JSON!){ send(id: $id, batch: $b) }', { id: 7, b: { seq: 1 } });
    assert.deepEqual(plain(await fastExecute(call)), { data: { send: true } });
    assert.deepEqual((call.contextValue as { seen: unknown[] }).seen, [['7', { seq: 1 }]]); // ID coerced to a string
  });

  it('streams subscription events as graphql-js does, an event’s error included, and refuses as it does', async () => {
    const query = 'subscription($id: ID!){ stream(id: $id) }';
    for (const id of ['s1', 'refused']) {
      const fast = await collect(await fastSubscribe(args(query, { id })));
      const reference = await collect(await subscribe(args(query, { id })));
      assert.deepEqual(fast, reference, id);
    }
    assert.deepEqual(await collect(await fastSubscribe(args(query, {}))), await collect(await subscribe(args(query, {}))));
    // A stream that fails midway (a slow consumer cut off) rejects the iteration, as graphql-js's does.
    await assert.rejects(collect(await fastSubscribe(args(query, { id: 'cut' }))), /fell behind/);
    await assert.rejects(collect(await subscribe(args(query, { id: 'cut' }))), /fell behind/);
  });

  it('leaves other operations to graphql-js', async () => {
    assert.deepEqual(plain(await fastExecute(args('{ user { name } count(n: 1) }'))), { data: { user: { name: 'Ada' }, count: 2 } });
  });
});
