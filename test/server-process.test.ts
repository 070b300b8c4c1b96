import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, DEV_AUDIT_CHAIN_KEY, readConfig } from '../server/core/config.ts';

function runMain(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, exited, output: () => output };
}

describe('configuration and the server process', () => {
  it('names every bad setting', () => {
    assert.throws(
      () =>
        readConfig({
          PORT: 'eighty',
          DATABASE_URL: 'mysql://x',
          ALLOWED_ORIGINS: 'https://ok.example,not a url',
          SEED_DEMO_USERS: 'maybe',
        }),
      (error: unknown) =>
        error instanceof ConfigError &&
        ['PORT', 'DATABASE_URL', 'ALLOWED_ORIGINS', 'SEED_DEMO_USERS', '"not a url"'].every((part) => error.message.includes(part)),
    );
  });

  it('reads good settings and normalises origins', () => {
    const config = readConfig({
      PORT: '8080',
      ALLOWED_ORIGINS: 'https://shop.example.com/, http://localhost:4000',
      SEED_DEMO_USERS: 'false',
    });
    assert.equal(config.port, 8080);
    assert.deepEqual(config.allowedOrigins, ['https://shop.example.com', 'http://localhost:4000']);
    assert.equal(config.seedDemoUsers, false);
    assert.equal(config.databaseUrl, 'file:./data/cobrowse.db');
  });

  it('keys the audit chain with AUDIT_CHAIN_KEY, and requires it in production with a configured database', () => {
    const key = 'a-production-audit-chain-key-0123456789';
    const database = { DATABASE_URL: 'postgresql://db/cobrowse' };
    assert.equal(readConfig({ ...database, NODE_ENV: 'production', AUDIT_CHAIN_KEY: key }).auditChainKey, key);
    assert.throws(
      () => readConfig({ ...database, NODE_ENV: 'production' }),
      (error: unknown) => error instanceof ConfigError && error.message.includes('AUDIT_CHAIN_KEY'),
    );
    assert.throws(
      () => readConfig({ AUDIT_CHAIN_KEY: 'too-short' }),
      (error: unknown) => error instanceof ConfigError && error.message.includes('AUDIT_CHAIN_KEY'),
    );
    // Development, tests and the quick start (no database configured) use the published development key.
    assert.equal(readConfig({ ...database }).auditChainKey, DEV_AUDIT_CHAIN_KEY);
    assert.equal(readConfig({ NODE_ENV: 'production' }).auditChainKey, DEV_AUDIT_CHAIN_KEY);
  });

  it('refuses to start in production on a configured database without AUDIT_CHAIN_KEY, naming it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cobrowse-main-'));
    const run = runMain({
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: `file:${path.join(dir, 'main.db')}`,
      NODE_ENV: 'production',
      AUDIT_CHAIN_KEY: '',
    });
    assert.equal(await run.exited, 2);
    assert.match(run.output(), /AUDIT_CHAIN_KEY: required in production/);
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses to start on a bad setting, with the reason', async () => {
    const run = runMain({ PORT: 'abc' });
    assert.equal(await run.exited, 2);
    assert.match(run.output(), /PORT/);
  });

  it('starts, seeds the demo users, and shuts down gracefully on SIGTERM', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cobrowse-main-'));
    const run = runMain({
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: `file:${path.join(dir, 'main.db')}`,
      SEED_DEMO_USERS: 'true', // a configured database gets the demo users only when asked (test/security-accounts)
      NODE_ENV: 'production',
      AUDIT_CHAIN_KEY: 'a-production-audit-chain-key-0123456789',
    });
    const deadline = Date.now() + 60_000;
    while (!/listening on (\S+)/.test(run.output()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    const url = /listening on (\S+)/.exec(run.output())?.[1];
    assert.ok(url, run.output());
    assert.match(run.output(), /agent@example\.com.*cobrowse-demo/);
    const health = await fetch(`${url}/api/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ health }"}',
    });
    assert.deepEqual(await health.json(), { data: { health: 'ok' } });
    assert.equal((await fetch(`${url}/demo`)).status, 200);
    assert.match(await (await fetch(`${url}/widget.js`)).text(), /Cobrowse/);
    run.child.kill('SIGTERM');
    assert.equal(await run.exited, 0);
    assert.match(run.output(), /SIGTERM: shutting down gracefully/);
    await rm(dir, { recursive: true, force: true });
  });
});
