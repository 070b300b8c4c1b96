import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './services.ts';
import { waitFor } from './wait-for.ts';

/** The proxy configuration compose.yaml mounts into its nginx container. */
export const SHIPPED_NGINX_CONF = '.docker/nginx.conf';

/** Debian's nginx binary, or null when it is not installed (.ci/run installs it). */
export function nginxBinary(): string | null {
  for (const candidate of ['nginx', '/usr/sbin/nginx']) {
    if (spawnSync(candidate, ['-v'], { stdio: 'ignore' }).status === 0) return candidate;
  }
  return null;
}

export interface ShippedProxy {
  /** Where clients reach the proxy, e.g. http://127.0.0.1:41234. */
  url: string;
  port: number;
  /** The configuration nginx runs, as derived from the shipped file. */
  conf: string;
  stop: () => Promise<void>;
}

/**
 * Runs a real nginx with the shipped proxy configuration, changed only where this machine
 * differs from compose: the app instances' address becomes `upstream`, the listening port a free
 * one on 127.0.0.1, and the host name, `${SERVER_NAME}`, which the nginx image fills in from
 * compose's environment, is 127.0.0.1. Every directive the shipped file holds runs as written.
 */
export async function startShippedProxy(options: { upstream: string; port?: number }): Promise<ShippedProxy> {
  const binary = nginxBinary();
  if (!binary) throw new Error('nginx is not installed (apt-get install nginx)');
  const port = options.port ?? (await freePort());
  const shipped = await readFile(SHIPPED_NGINX_CONF, 'utf8');
  const conf = shipped
    .replace(/\bapp\d+:3000\b/g, options.upstream)
    .replace(/^(\s*listen\s+)80\b/gm, `$1127.0.0.1:${port}`)
    .replaceAll('${SERVER_NAME}', '127.0.0.1');
  if (conf === shipped || !conf.includes(options.upstream) || !conf.includes(`127.0.0.1:${port}`)) {
    throw new Error(`${SHIPPED_NGINX_CONF} no longer has the upstream and listen lines this test replaces`);
  }

  const dir = await mkdtemp(path.join(tmpdir(), 'cobrowse-nginx-'));
  await chmod(dir, 0o755); // nginx's workers (another user, when started as root) keep temporary files here
  await writeFile(path.join(dir, 'default.conf'), conf);
  // What the nginx image's own nginx.conf puts around conf.d/default.conf, with every path in `dir`.
  await writeFile(
    path.join(dir, 'nginx.conf'),
    [
      `pid ${dir}/nginx.pid;`,
      'worker_processes 1;',
      'events { worker_connections 256; }',
      'http {',
      '  access_log off;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `  ${kind}_temp_path ${dir}/${kind};`),
      `  include ${dir}/default.conf;`,
      '}',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(binary, ['-e', 'stderr', '-p', dir, '-c', `${dir}/nginx.conf`, '-g', 'daemon off;'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}: ${output}`);
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      return response.status === 200;
    }, 'nginx to proxy /healthz');
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${output}`);
  }
  return { url: `http://127.0.0.1:${port}`, port, conf, stop };
}
