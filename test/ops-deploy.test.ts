import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { after, describe, it } from 'node:test';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import pg from 'pg';
import { parse as parseYaml } from 'yaml';
import { waitFor } from './support/wait-for.ts';
import { POSTGRES_URL, REDIS_URL, freePort } from './support/services.ts';

// These machines have no Docker engine, so the image cannot be built here. This test checks the
// Dockerfile and compose file for what a linter would (stages, user, health checks, files they
// copy or mount) and then runs the image's command with the compose file's environment, twice,
// against a real PostgreSQL and Redis — the same processes compose would start.

const dockerfile = DockerfileParser.parse(readFileSync('Dockerfile', 'utf8'));
const compose = parseYaml(readFileSync('compose.yaml', 'utf8'), { merge: true }) as {
  services: Record<
    string,
    {
      image?: string;
      build?: string;
      environment?: Record<string, string>;
      healthcheck?: { test: string[] };
      depends_on?: Record<string, { condition: string }>;
      volumes?: string[];
    }
  >;
};

const stages = (() => {
  const result: Instruction[][] = [];
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() === 'FROM') result.push([]);
    result.at(-1)?.push(instruction);
  }
  return result;
})();
const runtime = stages.at(-1)!;
const find = (stage: Instruction[], keyword: string) => stage.filter((instruction) => instruction.getKeyword() === keyword);
const jsonArgs = (instruction: Instruction) => JSON.parse(instruction.getArgumentsContent()!.replace(/^CMD\s+/, '')) as string[];

/** ENV lines of a stage as key/value pairs. */
const envOf = (stage: Instruction[]) =>
  Object.fromEntries(
    find(stage, 'ENV').flatMap((instruction) =>
      instruction
        .getArgumentsContent()!
        .split(/\s+/)
        .map((pair) => pair.split('=') as [string, string]),
    ),
  );

describe('Dockerfile', () => {
  it('builds in one stage and runs in another, from pinned images', () => {
    assert.ok(stages.length >= 2, 'multi-stage');
    for (const from of find(dockerfile.getInstructions(), 'FROM'))
      assert.doesNotMatch(from.getArgumentsContent()!, /:latest\b|^[^:]+(\s|$)/);
  });

  it('runs as a non-root user, with a health check on /healthz', () => {
    const user = find(runtime, 'USER').at(-1)?.getArgumentsContent();
    assert.ok(user && user !== 'root' && user !== '0', `runtime user is ${user}`);
    const health = find(runtime, 'HEALTHCHECK')[0]?.getArgumentsContent() ?? '';
    assert.match(health, /\/healthz/);
  });

  it('copies only files that exist and cleans the apt lists it fetched', () => {
    for (const copy of find(stages[0]!, 'COPY')) {
      const sources = copy.getArgumentsContent()!.split(/\s+/).slice(0, -1);
      for (const source of sources) assert.ok(existsSync(source), `COPY source ${source} exists`);
    }
    for (const run of find(dockerfile.getInstructions(), 'RUN')) {
      const text = run.getArgumentsContent()!;
      if (text.includes('apt-get install')) {
        assert.match(text, /--no-install-recommends/);
        assert.match(text, /rm -rf \/var\/lib\/apt\/lists/);
      }
    }
  });

  it('starts the server the way `npm start` does', () => {
    const command = jsonArgs(find(runtime, 'CMD')[0]!);
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    assert.equal(`NODE_ENV=production ${command.join(' ')}`, pkg.scripts.start);
    assert.equal(envOf(runtime).NODE_ENV, 'production');
  });
});

describe('compose.yaml', () => {
  it('brings up PostgreSQL, Redis, two app instances and a proxy', () => {
    assert.deepEqual(Object.keys(compose.services).sort(), ['app1', 'app2', 'postgres', 'proxy', 'redis']);
    for (const name of ['app1', 'app2']) {
      const app = compose.services[name]!;
      assert.equal(app.build, '.');
      assert.match(app.environment!.DATABASE_URL!, /^postgresql:\/\/.*@postgres:5432\//);
      assert.equal(app.environment!.REDIS_URL, 'redis://redis:6379');
      assert.equal(app.depends_on!.postgres!.condition, 'service_healthy');
      assert.equal(app.depends_on!.redis!.condition, 'service_healthy');
      assert.match(app.healthcheck!.test.join(' '), /\/readyz/);
    }
  });

  it('proxies to both instances with the WebSocket upgrade, for the configured host name only', () => {
    const mount = compose.services.proxy!.volumes!.find((volume) => volume.includes('nginx'))!;
    const [file, target] = mount.split(':') as [string, string];
    // Mounted as a template, so the nginx image fills in the host name from the environment.
    assert.equal(target, '/etc/nginx/templates/default.conf.template');
    assert.match(compose.services.proxy!.environment!.SERVER_NAME!, /^\$\{SERVER_NAME:-localhost\}$/);
    const conf = readFileSync(file, 'utf8');
    assert.match(conf, /server_name \$\{SERVER_NAME\};/);
    assert.match(conf, /listen 80 default_server;\s*return 444;/);
    assert.match(conf, /server app1:3000/);
    assert.match(conf, /server app2:3000/);
    assert.match(conf, /proxy_set_header Upgrade \$http_upgrade/);
    assert.match(conf, /proxy_set_header X-Forwarded-For/);
  });
});

describe('the image command with the compose environment, twice, on PostgreSQL and Redis', () => {
  const schema = `deploy_${randomBytes(4).toString('hex')}`;
  const children: ChildProcess[] = [];
  after(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });

  it('both instances become ready and stop cleanly on SIGTERM', async () => {
    const [command, ...args] = jsonArgs(find(runtime, 'CMD')[0]!);
    assert.equal(command, 'node');
    const appEnv = compose.services.app1!.environment!;
    const instances = await Promise.all(
      [1, 2].map(async () => {
        const port = await freePort();
        const env = {
          ...process.env,
          ...envOf(runtime),
          ...appEnv,
          // The compose service names, as this machine reaches them.
          DATABASE_URL: `${POSTGRES_URL}?schema=${schema}`,
          REDIS_URL,
          REDIS_PREFIX: schema,
          ALLOWED_ORIGINS: '',
          PUBLIC_URL: `http://127.0.0.1:${port}`,
          PORT: String(port),
          HOST: '127.0.0.1',
        };
        const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
        children.push(child);
        let output = '';
        child.stdout!.on('data', (chunk: Buffer) => (output += chunk));
        child.stderr!.on('data', (chunk: Buffer) => (output += chunk));
        return { port, child, output: () => output };
      }),
    );
    for (const instance of instances) {
      await waitFor(
        async () => (await fetch(`http://127.0.0.1:${instance.port}/readyz`)).status === 200,
        `instance on ${instance.port} ready`,
        90_000,
      ).catch((error: Error) => {
        throw new Error(`${error.message}\n${instance.output()}`);
      });
      const health = await fetch(`http://127.0.0.1:${instance.port}/healthz`);
      assert.equal(health.status, 200);
    }
    // A production deployment never starts with a known password: one admin, a one-time password.
    const logs = instances.map((instance) => instance.output()).join('\n');
    assert.match(logs, /one-time password/);
    assert.doesNotMatch(logs, /cobrowse-demo/);
    for (const instance of instances) {
      instance.child.kill('SIGTERM');
      const [code] = (await once(instance.child, 'exit')) as [number | null];
      assert.equal(code, 0, instance.output());
    }
  });
});
