import { pathToFileURL } from 'node:url';
import { measureCapacity, type CapacityResult } from './relay-capacity.ts';
import { bareRelay, scaledOutServers } from './relay-targets.ts';
import { benchLevels } from './capacity.ts';
import { judgeScaledOut, printVerdicts } from './targets.ts';
import type { ScaledOutSummary } from './summaries.ts';

/**
 * p50 on two instances minus p50 on one at the highest number of sessions both held (p99 within
 * the limit, generator keeping up): what the hop through Redis to another process adds.
 */
function redisHop(one: CapacityResult, two: CapacityResult): ScaledOutSummary['redisHop'] {
  const held = (result: CapacityResult) => result.steps.filter((step) => step.sessions <= result.capacity);
  const oneHeld = new Map(held(one).map((step) => [step.sessions, step]));
  const common = held(two)
    .filter((step) => oneHeld.has(step.sessions))
    .at(-1);
  if (!common) return null;
  const oneP50 = oneHeld.get(common.sessions)!.p50;
  return {
    sessions: common.sessions,
    oneInstanceP50Ms: oneP50,
    twoInstancesP50Ms: common.p50,
    addedMs: Math.round((common.p50 - oneP50) * 10) / 10,
  };
}

/**
 * Capacity with each session's customer on one server instance and its agent on another, the two
 * sharing a PostgreSQL schema and Redis (scaled-server.ts), under the capacity step's load; and
 * the same setup with both on the first instance, to price the hop in the same run.
 */
export async function measureScaledOut(levels: number[], log: (line: string) => void): Promise<ScaledOutSummary> {
  const oneInstance = await measureCapacity(scaledOutServers({ split: false }), levels, log);
  const twoInstances = await measureCapacity(scaledOutServers({ split: true }), levels, log);
  return { oneInstance, twoInstances, redisHop: redisHop(oneInstance, twoInstances) };
}

// This step alone, with a bare relay of its own to judge against: `node --import tsx bench/scaled-out.ts`.
if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const log = (line: string) => console.log(line);
  const relay = await measureCapacity(bareRelay(), benchLevels(), log);
  const scaled = await measureScaledOut(benchLevels(), log);
  process.exitCode = printVerdicts(judgeScaledOut(scaled, relay)) ? 0 : 1;
}
