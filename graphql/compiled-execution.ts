import {
  createSourceEventStream,
  execute as graphqlExecute,
  subscribe as graphqlSubscribe,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { MAX_CACHED_QUERY_CHARS } from './document-cache.ts';

/** As many as the document cache keeps: one compiled operation for each document it remembers. */
const MAX_COMPILED = 500;

type Execute = (args: ExecutionArgs) => Promise<ExecutionResult> | ExecutionResult;
type Subscribe = (args: ExecutionArgs) => Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult>;

/**
 * graphql-js's `execute` and `subscribe`, with each distinct operation compiled once by graphql-jit
 * into a function that coerces its variables, calls the schema's own resolvers and completes their
 * results — a fifth of graphql-js's time per operation for the ones that repeat many times a second
 * on a socket (`sendSignal`, `sendEvents`, every `sessionStream` event), measured by
 * bench/execute-paths.ts. Only documents as short as the ones the document cache keeps are compiled
 * (compiling costs about as much as a parse and validation, so a long one-off query runs on
 * graphql-js instead), at most `maxCompiled` of them, the oldest dropped first. Documents must be
 * validated before they get here; one graphql-jit cannot compile runs on graphql-js.
 */
export function createCompiledExecution(schema: GraphQLSchema, maxCompiled: number = MAX_COMPILED) {
  const compiled = new Map<string, CompiledQuery | null>();

  function compiledFor(args: ExecutionArgs): CompiledQuery | null {
    if (args.schema !== schema) return null;
    const text = args.document.loc?.source.body;
    if (text === undefined || text.length > MAX_CACHED_QUERY_CHARS) return null;
    const key = `${args.operationName ?? ''}\n${text}`;
    let query = compiled.get(key);
    if (query === undefined) {
      const result = compileQuery(schema, args.document, args.operationName ?? undefined);
      query = isCompiledQuery(result) ? result : null;
      if (compiled.size >= maxCompiled) compiled.delete(compiled.keys().next().value as string);
      compiled.set(key, query);
    }
    return query;
  }

  const execute: Execute = (args) => {
    const query = compiledFor(args);
    if (!query) return graphqlExecute(args);
    return query.query(args.rootValue, args.contextValue, args.variableValues ?? {});
  };

  /**
   * The stream is opened by graphql-js (graphql-jit's own `subscribe` fails on an aliased field and
   * gives the resolver a path without the alias); each event is then executed by the compiled query.
   */
  const subscribe: Subscribe = async (args) => {
    const query = compiledFor(args);
    if (!query) return graphqlSubscribe(args);
    const stream = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in stream)) return stream;
    const events = stream[Symbol.asyncIterator]();
    const variables = args.variableValues ?? {};
    const map = async (event: IteratorResult<unknown>): Promise<IteratorResult<ExecutionResult>> =>
      event.done ? { done: true, value: undefined } : { done: false, value: await query.query(event.value, args.contextValue, variables) };
    const results: AsyncIterableIterator<ExecutionResult> = {
      next: async () => map(await events.next()),
      return: async () => (events.return ? map(await events.return()) : { done: true, value: undefined }),
      throw: async (error: unknown) => {
        if (events.throw) return map(await events.throw(error));
        throw error;
      },
      [Symbol.asyncIterator]: () => results,
    };
    return results;
  };

  return { execute, subscribe, compiledCount: () => compiled.size };
}
