import { pathToFileURL } from 'node:url';
import { cpuPerBatchRatio, measureCapacity } from './relay-capacity.ts';
import { bareRelay, cobrowseServer } from './relay-targets.ts';
import { judgeCapacity, printVerdicts, type CapacityFigures } from './targets.ts';

/** The capacity steps `npm run bench` runs unless BENCH_LEVELS says otherwise. */
export const DEFAULT_LEVELS = '10,25,50,100,200,300,400,600,800,1000,1200';
export const benchLevels = () => (process.env.BENCH_LEVELS ?? DEFAULT_LEVELS).split(',').map(Number);

/** The product and the bare relay under the same stepped load, one after the other in this run. */
export async function measureCapacityAgainstRelay(levels: number[], log: (line: string) => void): Promise<CapacityFigures> {
  const bare = await measureCapacity(bareRelay(), levels, log);
  const product = await measureCapacity(cobrowseServer(), levels, log);
  const ratio = bare.capacity === 0 ? 0 : product.capacity / bare.capacity;
  return { bareRelay: bare, cobrowse: product, capacityRatio: Math.round(ratio * 100) / 100, cpuPerBatch: cpuPerBatchRatio(product, bare) };
}

// Only the capacity step, for trying a lever quickly: `node --import tsx bench/capacity.ts`
// (BENCH_LEVELS as for `npm run bench`; BENCH_TARGET=product or bare runs one side only, unjudged).
if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const log = (line: string) => console.log(line);
  const which = process.env.BENCH_TARGET ?? 'both';
  if (which === 'both') {
    process.exitCode = printVerdicts(judgeCapacity(await measureCapacityAgainstRelay(benchLevels(), log))) ? 0 : 1;
  } else {
    await measureCapacity(which === 'bare' ? bareRelay() : cobrowseServer(), benchLevels(), log);
  }
}
