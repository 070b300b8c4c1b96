import { driveSessions } from './relay-capacity.ts';
import { openProductSession, type BenchSession } from './relay-targets.ts';

// Busy sessions on a server the bench already runs, in a process of their own so that their load
// generator does not share the timing step's event loop: `busy-sessions.ts <server url> <count>`
// opens <count> sessions as the capacity step does (agents bench-agent-0… must exist on that
// server, as pages-server.ts seeds them), drives each at 30 frames a second, and prints
// `READY <frames sent so far>` once all are busy. SIGTERM closes them.
const [url, count] = [process.argv[2]!, Number(process.argv[3])];
const sessions: BenchSession[] = [];
for (let index = 0; index < count; index++) sessions.push(await openProductSession({ customerUrl: url, agentUrl: url }, index, () => {}));
const stop = driveSessions(sessions);
process.stdout.write(`READY ${count}\n`);
process.on('SIGTERM', () => {
  stop();
  void Promise.allSettled(sessions.map((session) => session.close())).then(() => process.exit(0));
});
