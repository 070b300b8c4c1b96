import assert from 'node:assert/strict';
import { exec, execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import dockerignore from '@balena/dockerignore';
import { Copy, DockerfileParser, type Instruction } from 'dockerfile-ast';
import pg from 'pg';
import { parse as parseYaml } from 'yaml';
import { SERVER_OUTFILE } from '../server/build.ts';
import { waitFor } from './support/wait-for.ts';
import { POSTGRES_URL, REDIS_URL, freePort } from './support/services.ts';

// These machines have no Docker engine, so the image cannot be built here. This test checks the
// Dockerfile and compose file for what a linter would (stages, user, health checks, files they
// copy or mount), then puts together the runtime stage's files the way the Dockerfile does (this
// checkout after `npm run build`, pruned by the Dockerfile's own commands, copied by its COPY
// lines) and runs the image's command there with the compose file's environment, twice, against a
// real PostgreSQL and Redis — the same processes compose would start.

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
const buildStage = stages[0]!;
const runtime = stages.at(-1)!;
const find = (stage: Instruction[], keyword: string) => stage.filter((instruction) => instruction.getKeyword() === keyword);
const jsonArgs = (instruction: Instruction) => JSON.parse(instruction.getArgumentsContent()!.replace(/^CMD\s+/, '')) as string[];
const imageOf = (stage: Instruction[]) => find(stage, 'FROM')[0]!.getArgumentsContent()!.split(/\s+/)[0];
const workdirOf = (stage: Instruction[]) => find(stage, 'WORKDIR').at(-1)!.getArgumentsContent()!;

/** A COPY line: its `--from` stage, its sources and its destination. */
const copiesOf = (stage: Instruction[]) =>
  stage
    .filter((instruction): instruction is Copy => instruction instanceof Copy)
    .map((instruction) => {
      const paths = instruction.getArguments().map((argument) => argument.getValue());
      return { from: instruction.getFromFlag()?.getValue(), sources: paths.slice(0, -1), dest: paths.at(-1)! };
    });

/** The commands of the build stage's last RUN, one per `&&`. */
const lastBuildSteps = () =>
  find(buildStage, 'RUN')
    .at(-1)!
    .getArgumentsContent()!
    .replace(/\\\n/g, ' ')
    .split('&&')
    .map((step) => step.trim().replace(/\s+/g, ' '));

/** Our own TypeScript sources (declaration files aside), which the image runs without. */
const TYPESCRIPT_SOURCE = /(?<!\.d)\.(ts|tsx|mts|cts)$/;

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

  it('builds and runs on one Node image, so the native addon compiled in the build stage loads', () => {
    assert.equal(imageOf(runtime), imageOf(buildStage));
    assert.match(imageOf(runtime)!, /^node:\d+(\.\d+)*-bookworm-slim$/);
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

  it('starts the compiled server the way `npm start` does, without tsx', () => {
    const command = jsonArgs(find(runtime, 'CMD')[0]!);
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    assert.equal(`NODE_ENV=production ${command.join(' ')}`, pkg.scripts.start);
    assert.equal(envOf(runtime).NODE_ENV, 'production');
    assert.equal(command.at(-1), path.relative(process.cwd(), SERVER_OUTFILE));
    for (const word of command) assert.doesNotMatch(word, /tsx|--import|--loader|\.ts$/);
  });

  it('the runtime stage copies what the server runs from the build stage: no tests, benchmarks, docs or sources', () => {
    const copies = copiesOf(runtime);
    assert.ok(copies.length > 0);
    const workdir = workdirOf(buildStage);
    for (const { from, sources } of copies) {
      assert.equal(from, 'build');
      for (const source of sources) {
        const inApp = path.posix.relative(workdir, source);
        assert.ok(inApp !== '' && !inApp.startsWith('..'), `${source} is one part of ${workdir}, not all of it`);
        const top = inApp.split('/')[0]!;
        assert.ok(
          !['test', 'bench', 'docs', 'server', 'graphql', 'protocol', 'widget', 'app', 'patches'].includes(top),
          `copies ${source}`,
        );
        assert.ok(!inApp.startsWith('prisma/tools') && !TYPESCRIPT_SOURCE.test(inApp), `copies ${source}`);
      }
    }
  });

  it('the build stage prunes packages to production ones and drops Next’s build cache after the build', () => {
    const steps = lastBuildSteps();
    assert.ok(steps.indexOf('npm run build') === 0, steps.join(' && '));
    assert.ok(steps.some((step) => /^npm prune .*--omit=dev/.test(step)));
    assert.ok(steps.includes('rm -rf .next/cache'));
  });

  it('keeps secrets, local databases and build output out of the build context', async () => {
    // Docker's own matching rules: a pattern without `**/` applies to the top folder only.
    const rules = dockerignore().add(readFileSync('.dockerignore', 'utf8'));
    const leftOut = [
      '.env',
      '.env.local',
      '.env.production',
      'app/.env',
      'server/core/.env.local',
      '.npmrc',
      'deploy/tls/server.key',
      'cert.pem',
      'data/cobrowse.db',
      'cobrowse.db',
      'prisma/dev.db-wal',
      'test.db-journal',
      'node_modules/next/package.json',
      '.next/BUILD_ID',
      'dist/server/main.js',
      '.git/config',
    ];
    for (const file of leftOut) assert.ok(rules.ignores(file), `${file} is sent to the build`);
    // What the build copies and runs from is sent: every file in the checkout but generated output.
    const tracked = (await promisify(execFile)('git', ['ls-files'])).stdout.split('\n').filter(Boolean);
    assert.ok(tracked.length > 100);
    const generated = /^(graphql\/)?generated\//;
    assert.deepEqual(
      tracked.filter((file) => rules.ignores(file) && !generated.test(file)),
      [],
    );
    for (const source of find(buildStage, 'COPY').flatMap((copy) => copy.getArgumentsContent()!.split(/\s+/).slice(0, -1)))
      if (source !== '.') assert.ok(!rules.ignores(source), `${source} is left out`);
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
      // Compose refuses to start without the audit key; metrics stay off unless a token is given.
      assert.match(app.environment!.AUDIT_CHAIN_KEY!, /^\$\{AUDIT_CHAIN_KEY:\?[^}]+\}$/);
      assert.match(app.environment!.METRICS_TOKEN!, /^\$\{METRICS_TOKEN:-\}$/);
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

/** Hard links where the file system allows (fast; the few files written later are copied instead), copies where not. */
async function copyInto(from: string, to: string): Promise<void> {
  const isDirectory = (await stat(from)).isDirectory();
  await mkdir(isDirectory ? to : path.dirname(to), { recursive: true });
  const source = isDirectory ? `${from}/.` : from;
  await promisify(execFile)('cp', ['-al', source, to]).catch(() => promisify(execFile)('cp', ['-a', source, to]));
}

/**
 * The build stage's WORKDIR once its last RUN is done: this checkout (which `npm run build` built)
 * with the commands that follow the build in that RUN run on it, as the Dockerfile writes them.
 */
async function mirrorBuildStage(dir: string): Promise<string> {
  for (const entry of await readdir('.')) if (entry !== '.git') await copyInto(entry, path.join(dir, entry));
  // npm rewrites these in place: each gets a copy of its own, so the checkout's stay as they are.
  for (const file of ['package.json', 'package-lock.json', path.join('node_modules', '.package-lock.json')]) {
    await rm(path.join(dir, file), { force: true });
    if (existsSync(file)) await copyFile(file, path.join(dir, file));
  }
  const steps = lastBuildSteps();
  for (const step of steps.slice(steps.indexOf('npm run build') + 1)) await promisify(exec)(step, { cwd: dir });
  return dir;
}

/** The runtime stage's WORKDIR: what its COPY lines take from the build stage, placed as Docker places it. */
async function assembleRuntime(buildDir: string, dir: string): Promise<string> {
  const buildWorkdir = workdirOf(buildStage);
  await mkdir(dir, { recursive: true });
  for (const { sources, dest } of copiesOf(runtime)) {
    const target = path.resolve(dir, dest);
    const intoFolder = dest.endsWith('/') || dest === '.' || sources.length > 1;
    for (const source of sources) {
      const from = path.join(buildDir, path.posix.relative(buildWorkdir, source));
      const isDirectory = (await stat(from)).isDirectory();
      await copyInto(from, isDirectory || !intoFolder ? target : path.join(target, path.basename(from)));
    }
  }
  return dir;
}

/** Files under a folder, relative to it, leaving out the folders named. */
async function filesUnder(dir: string, skip: string[], prefix = ''): Promise<string[]> {
  const entries = await readdir(path.join(dir, prefix), { withFileTypes: true });
  const nested = await Promise.all(
    entries.map(async (entry) => {
      const relative = path.join(prefix, entry.name);
      if (skip.includes(relative)) return [];
      return entry.isDirectory() ? filesUnder(dir, skip, relative) : [relative];
    }),
  );
  return nested.flat();
}

describe('the image command with the compose environment, twice, on PostgreSQL and Redis', () => {
  const schema = `deploy_${randomBytes(4).toString('hex')}`;
  const children: ChildProcess[] = [];
  let scratch: string;
  let appDir: string;

  before(async () => {
    assert.ok(existsSync(SERVER_OUTFILE), `${SERVER_OUTFILE} is missing: run npm run build`);
    scratch = await mkdtemp(path.join(tmpdir(), 'ops-deploy-'));
    const buildDir = await mirrorBuildStage(path.join(scratch, 'build'));
    appDir = await assembleRuntime(buildDir, path.join(scratch, 'app'));
  });

  after(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('the runtime files hold the compiled server and no tests, benchmarks, docs, TypeScript sources or build tools', async () => {
    const files = await filesUnder(appDir, ['node_modules', '.next']);
    // The capture sees what it looks for: the server bundle and the built widget are there.
    assert.ok(files.includes(path.relative(process.cwd(), SERVER_OUTFILE)), files.join(', '));
    assert.ok(files.includes(path.join('dist', 'widget.js')));
    for (const folder of ['test', 'bench', 'docs', 'server', 'graphql', 'protocol', 'widget', 'app', 'generated'])
      assert.ok(!files.some((file) => file.startsWith(`${folder}${path.sep}`)), `runtime files hold ${folder}/`);
    assert.deepEqual(
      files.filter((file) => TYPESCRIPT_SOURCE.test(file)),
      [],
    );
    assert.ok(existsSync(path.join(appDir, 'node_modules', 'next')), 'production packages are there');
    for (const tool of ['tsx', 'prisma', 'typescript', 'esbuild', 'eslint', 'playwright-core'])
      assert.ok(!existsSync(path.join(appDir, 'node_modules', tool)), `node_modules/${tool} is in the runtime files`);
    assert.ok(!existsSync(path.join(appDir, '.next', 'cache')), 'Next’s build cache is left behind');
  });

  it('both instances become ready, serve the pages and the widget, and stop cleanly on SIGTERM', async () => {
    const [command, ...args] = jsonArgs(find(runtime, 'CMD')[0]!);
    assert.equal(command, 'node');
    const appEnv = compose.services.app1!.environment!;
    const auditChainKey = randomBytes(32).toString('hex');
    const instances = await Promise.all(
      [1, 2].map(async () => {
        const port = await freePort();
        const { NODE_OPTIONS: _notInTheImage, ...inherited } = process.env;
        const env = {
          ...inherited,
          ...envOf(runtime),
          ...appEnv,
          // The compose service names, as this machine reaches them.
          DATABASE_URL: `${POSTGRES_URL}?schema=${schema}`,
          REDIS_URL,
          REDIS_PREFIX: schema,
          ALLOWED_ORIGINS: '',
          AUDIT_CHAIN_KEY: auditChainKey,
          METRICS_TOKEN: '',
          PUBLIC_URL: `http://127.0.0.1:${port}`,
          PORT: String(port),
          HOST: '127.0.0.1',
        };
        const child = spawn(process.execPath, args, { cwd: appDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
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
      const page = await fetch(`http://127.0.0.1:${instance.port}/login`);
      assert.equal(page.status, 200, instance.output());
      assert.match(await page.text(), /<html/);
      const widget = await fetch(`http://127.0.0.1:${instance.port}/widget.js`);
      assert.equal(widget.status, 200);
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
