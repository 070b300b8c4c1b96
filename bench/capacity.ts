import { measureCapacity } from './relay-capacity.ts';
import { bareRelay, cobrowseServer } from './relay-targets.ts';

// Only the capacity step, for trying a lever quickly: `node --import tsx bench/capacity.ts`
// (BENCH_LEVELS as for `npm run bench`; BENCH_TARGET=product or bare runs one side only).
const levels = (process.env.BENCH_LEVELS ?? '50,100,200,300,400').split(',').map(Number);
const which = process.env.BENCH_TARGET ?? 'both';
const log = (line: string) => console.log(line);
const results = [];
if (which !== 'product') results.push(await measureCapacity(bareRelay(), levels, log));
if (which !== 'bare') results.push(await measureCapacity(cobrowseServer(), levels, log));
console.log(results.map((result) => `capacity ${result.capacity}`).join(' · '));
