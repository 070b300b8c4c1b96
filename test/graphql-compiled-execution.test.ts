import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { execute, parse, subscribe, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { commonResolvers } from '../graphql/schema/common/resolvers.ts';
import { createCompiledExecution } from '../graphql/compiled-execution.ts';
import { MAX_CACHED_QUERY_CHARS } from '../graphql/document-cache.ts';

// Compiled operations must answer as graphql-js does — data, errors, their paths and locations —
// with one difference in wording: a variable's coercion error names the expected type.
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
/** graphql-jit's one difference: `Variable "$n" got invalid value "x"; Expected type Int; Int cannot …`. */
const withoutExpectedType = (result: unknown) => JSON.parse(JSON.stringify(result).replace(/; Expected type \w+;/g, ';')) as unknown;

const { execute: compiledExecute, subscribe: compiledSubscribe, compiledCount } = createCompiledExecution(schema);

function args(query: string, variableValues?: Record<string, unknown>, operationName?: string): ExecutionArgs {
  return { schema, document: parse(query), variableValues, operationName, contextValue: { seen: [] } };
}

async function same(query: string, variables?: Record<string, unknown>, operationName?: string) {
  const compiled = await compiledExecute(args(query, variables, operationName));
  const reference = await execute(args(query, variables, operationName));
  assert.deepEqual(withoutExpectedType(compiled), plain(reference), query);
  return compiled;
}

async function collect(result: AsyncIterableIterator<ExecutionResult> | ExecutionResult) {
  if (!(Symbol.asyncIterator in result)) return plain(result);
  const all: unknown[] = [];
  for await (const event of result) all.push(plain(event));
  return all;
}

describe('operations compiled once by graphql-jit', () => {
  it('answers as graphql-js does: values, aliases, variables, fragments, directives and several fields', async () => {
    assert.deepEqual(plain(await same('{ count(n: 41) }')), { data: { count: 42 } });
    await same('{ renamed: count(n: 1) }');
    await same('query($v: JSON!){ echo(value: $v) }', { v: { nested: [1, 'two', null] } });
    await same('{ maybe }');
    await same('{ user { name } count(n: 1) }');
    await same('{ __typename ...F user @include(if: false) { name } } fragment F on Query { count(n: 1) }');
    const two = 'query Two { count(n: 2) } query Three { count(n: 3) }';
    assert.deepEqual(plain(await same(two, undefined, 'Three')), { data: { count: 4 } });
    assert.deepEqual(plain(await same(two, undefined, 'Two')), { data: { count: 3 } });
  });

  it('reports a variable that fails its type as graphql-js does, naming the expected type', async () => {
    const wrong = await same('query($n: Int!){ count(n: $n) }', { n: 'not a number' });
    assert.equal(
      wrong.errors?.[0]?.message,
      'Variable "$n" got invalid value "not a number"; Expected type Int; Int cannot represent non-integer value: "not a number"',
    );
    await same('query($n: Int!){ count(n: $n) }', {});
    await same('query($n: Int!){ count(n: $n) }', { n: 2 ** 40 });
  });

  it('reports resolver errors, nulls in non-null fields and nullable failures with graphql-js’s paths and locations', async () => {
    const broken = await same('{ broken }');
    assert.equal(broken.data, null);
    assert.deepEqual(broken.errors?.[0]?.path, ['broken']);
    assert.equal(broken.errors?.[0]?.originalError?.message, 'broken resolver'); // what formatError logs
    await same('{ nothing }');
    await same('{ maybe(fail: true) }');
    await same('{ other: maybe(fail: true) }');
  });

  it('runs mutations with the context and coerced arguments', async () => {
    const call = args('mutation($id: ID!, $b: JSON!){ send(id: $id, batch: $b) }', { id: 7, b: { seq: 1 } });
    assert.deepEqual(plain(await compiledExecute(call)), { data: { send: true } });
    assert.deepEqual((call.contextValue as { seen: unknown[] }).seen, [['7', { seq: 1 }]]); // ID coerced to a string
  });

  it('streams subscription events as graphql-js does, an event’s error included, and refuses as it does', async () => {
    for (const query of ['subscription($id: ID!){ stream(id: $id) }', 'subscription($id: ID!){ live: stream(id: $id) }']) {
      for (const id of ['s1', 'refused']) {
        const compiled = await collect(await compiledSubscribe(args(query, { id })));
        const reference = await collect(await subscribe(args(query, { id })));
        assert.deepEqual(compiled, reference, `${query} ${id}`);
      }
      assert.deepEqual(
        withoutExpectedType(await collect(await compiledSubscribe(args(query, {})))),
        await collect(await subscribe(args(query, {}))),
      );
      // A stream that fails midway (a slow consumer cut off) rejects the iteration, as graphql-js's does.
      await assert.rejects(collect(await compiledSubscribe(args(query, { id: 'cut' }))), /fell behind/);
      await assert.rejects(collect(await subscribe(args(query, { id: 'cut' }))), /fell behind/);
    }
  });

  it('compiles each distinct document once, keeps at most its bound, and leaves long documents to graphql-js', async () => {
    const bounded = createCompiledExecution(schema, 3);
    for (let n = 0; n < 5; n++) {
      for (let again = 0; again < 2; again++)
        assert.deepEqual(plain(await bounded.execute(args(`{ count(n: ${n}) }`))), { data: { count: n + 1 } });
      assert.equal(bounded.compiledCount(), Math.min(n + 1, 3));
    }
    const long = `{ count(n: 1) }${' '.repeat(MAX_CACHED_QUERY_CHARS)}`;
    const fresh = createCompiledExecution(schema);
    assert.deepEqual(plain(await fresh.execute(args(long))), { data: { count: 2 } });
    assert.equal(fresh.compiledCount(), 0);
    assert.ok(compiledCount() > 0);
  });
});
