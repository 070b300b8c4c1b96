// The capacity benchmark's server with a CPU profiler that SIGUSR2 starts and, sent again, stops
// (writing /tmp/cobrowse-<pid>.cpuprofile): a profile of the steady state only, without start-up.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

const inspector = new Session();
inspector.connect();
let profiling = false;
process.on('SIGUSR2', () => {
  void (async () => {
    if (!profiling) {
      profiling = true;
      await inspector.post('Profiler.enable');
      await inspector.post('Profiler.start');
      return;
    }
    profiling = false;
    const { profile } = await inspector.post('Profiler.stop');
    writeFileSync(`/tmp/cobrowse-${process.pid}.cpuprofile`, JSON.stringify(profile));
    process.stderr.write(`profile written: /tmp/cobrowse-${process.pid}.cpuprofile\n`);
  })();
});
await import('./cobrowse-server.ts');
