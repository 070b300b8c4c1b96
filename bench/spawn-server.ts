import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface SpawnedServer {
  url: string;
  stop: () => Promise<void>;
}

/** Runs a server script in its own process (its own core), waiting for its `READY <url>` line. */
export function spawnServer(script: string, args: string[] = []): Promise<SpawnedServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL(script, import.meta.url)), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /READY (\S+)/.exec(output);
      if (ready)
        resolve({
          url: ready[1]!,
          stop: () =>
            new Promise((done) => {
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
  });
}
