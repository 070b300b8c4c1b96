import { fileURLToPath } from 'node:url';
import { execute, parse, subscribe, type DocumentNode, type ExecutionArgs, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { SESSION_STREAM } from '../widget/operations.ts';
import { createCompiledExecution } from '../graphql/compiled-execution.ts';
import { buildSchema } from '../graphql/schema/index.ts';
import type { StreamMessage } from '../protocol/index.ts';
import { realisticBatch } from './event-mix.ts';
import { median } from './median.ts';

/**
 * CPU per operation of the server's hot GraphQL operations, executed two ways in one process:
 * graphql-js's `execute`/`subscribe`, and each document compiled once by graphql-jit as the server
 * runs them (graphql/compiled-execution.ts). The schema is the product's own; only the two
 * fields' resolvers are replaced by the cheapest ones that answer the same (no database, no
 * pub/sub), so the figures are what the executor costs around them: coercing the ~1 KB batch
 * variable, calling the resolver, completing the scalar. Rounds alternate between the two so a
 * busy moment of the shared machine does not fall on one of them only; the median round counts.
 */

const SEND_EVENTS = 'mutation($sessionId: ID!, $batch: JSON!){ sendEvents(sessionId:$sessionId, batch:$batch) }';
const ROUNDS = 7;
const MUTATIONS_PER_ROUND = 20_000;
const EVENTS_PER_ROUND = 20_000;

/** One stream message as the agent's subscription passes it on: a customer's batch. */
const EVENTS_MESSAGE: StreamMessage = { type: 'events', batch: realisticBatch(1, Date.now()) };

function benchSchema(): GraphQLSchema {
  const schema = buildSchema();
  const sendEvents = schema.getMutationType()!.getFields().sendEvents!;
  sendEvents.resolve = async () => true; // the real one is async too: it awaits the batch's checks
  const stream = schema.getSubscriptionType()!.getFields().sessionStream!;
  stream.subscribe = () => messages(EVENTS_PER_ROUND);
  stream.resolve = (message: unknown) => message;
  return schema;
}

async function* messages(count: number) {
  for (let i = 0; i < count; i++) yield EVENTS_MESSAGE;
}

/** CPU microseconds (user + system) per operation of `run`, which performs `count` of them. */
async function cpuPerOperation(count: number, run: () => Promise<void>): Promise<number> {
  const before = process.cpuUsage();
  await run();
  const spent = process.cpuUsage(before);
  return (spent.user + spent.system) / count;
}

const check = (result: ExecutionResult, expect: unknown, path: string) => {
  if (result.errors?.length || JSON.stringify(result.data) !== JSON.stringify(expect))
    throw new Error(`${path} answered ${JSON.stringify(result)} instead of ${JSON.stringify({ data: expect })}`);
};

async function drain(stream: unknown, path: string) {
  if (!(Symbol.asyncIterator in (stream as object))) throw new Error(`${path}: no stream (${JSON.stringify(stream)})`);
  let seen = 0;
  for await (const result of stream as AsyncIterable<ExecutionResult>) {
    if (seen++ === 0) check(result, { sessionStream: EVENTS_MESSAGE }, path);
  }
  if (seen !== EVENTS_PER_ROUND) throw new Error(`${path}: ${seen} events of ${EVENTS_PER_ROUND}`);
}

export interface ExecutePathsResult {
  rounds: number;
  /** CPU µs per `sendEvents` mutation with a ~1 KB batch, median of the rounds. */
  mutationMicros: { graphqlJs: number; graphqlJit: number };
  /** CPU µs per `sessionStream` event (a batch passed on to the agent), median of the rounds. */
  streamEventMicros: { graphqlJs: number; graphqlJit: number };
}

export async function measureExecutePaths(log: (line: string) => void): Promise<ExecutePathsResult> {
  const schema = benchSchema();
  const mutation = parse(SEND_EVENTS);
  const stream = parse(SESSION_STREAM);
  const contextValue = {};
  const batch = realisticBatch(1, Date.now());
  const mutationArgs = (document: DocumentNode): ExecutionArgs => ({
    schema,
    document,
    contextValue,
    variableValues: { sessionId: 'session-1', batch },
  });
  const compiled = createCompiledExecution(schema);

  const mutationPaths: Record<keyof ExecutePathsResult['mutationMicros'], () => Promise<ExecutionResult>> = {
    graphqlJs: async () => execute(mutationArgs(mutation)),
    graphqlJit: async () => compiled.execute(mutationArgs(mutation)),
  };
  const streamPaths: Record<keyof ExecutePathsResult['streamEventMicros'], () => Promise<unknown>> = {
    graphqlJs: () => subscribe({ schema, document: stream, contextValue, variableValues: { sessionId: 'session-1' } }),
    graphqlJit: () => compiled.subscribe({ schema, document: stream, contextValue, variableValues: { sessionId: 'session-1' } }),
  };
  // Each path answers as the product needs before it is timed, and the compiled one was compiled (outside the timing).
  for (const [name, run] of Object.entries(mutationPaths)) check(await run(), { sendEvents: true }, name);
  await drain(await streamPaths.graphqlJit(), 'graphqlJit');
  if (compiled.compiledCount() !== 2) throw new Error('graphql-jit did not compile the operations');

  const mutationRounds: Record<string, number[]> = { graphqlJs: [], graphqlJit: [] };
  const streamRounds: Record<string, number[]> = { graphqlJs: [], graphqlJit: [] };
  for (let round = 0; round <= ROUNDS; round++) {
    for (const [name, run] of Object.entries(mutationPaths)) {
      const micros = await cpuPerOperation(MUTATIONS_PER_ROUND, async () => {
        for (let i = 0; i < MUTATIONS_PER_ROUND; i++) await run();
      });
      if (round > 0) mutationRounds[name]!.push(micros); // round 0 warms the JIT up
    }
    for (const [name, open] of Object.entries(streamPaths)) {
      const micros = await cpuPerOperation(EVENTS_PER_ROUND, async () => drain(await open(), name));
      if (round > 0) streamRounds[name]!.push(micros);
    }
  }
  // Hundredths of a µs: compiled operations take well under one.
  const hundredths = (values: number[]) => Math.round(median(values.map((micros) => micros * 100))) / 100;
  const medians = (rounds: Record<string, number[]>) => ({
    graphqlJs: hundredths(rounds.graphqlJs!),
    graphqlJit: hundredths(rounds.graphqlJit!),
  });
  const result = { rounds: ROUNDS, mutationMicros: medians(mutationRounds), streamEventMicros: medians(streamRounds) };
  const line = (what: string, { graphqlJs, graphqlJit }: ExecutePathsResult['mutationMicros']) =>
    `execute paths, ${what}: graphql-js ${graphqlJs} µs, graphql-jit ${graphqlJit} µs CPU per operation`;
  log(line('sendEvents mutation (~1 KB batch)', result.mutationMicros));
  log(line('sessionStream event', result.streamEventMicros));
  return result;
}

// `node --import tsx bench/execute-paths.ts` runs this step alone.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await measureExecutePaths((line) => console.log(line));
  console.log(JSON.stringify(result, null, 2));
}
