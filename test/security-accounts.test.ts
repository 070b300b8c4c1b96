import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import bcrypt from 'bcryptjs';
import { seedFirstAdmin } from '../prisma/seed.ts';
import { ACCOUNT_SIGN_IN_RULE, ADDRESS_SIGN_IN_RULE } from '../server/auth/sign-in.ts';
import { ConfigError, readConfig } from '../server/core/config.ts';
import { openDatabase } from '../server/core/db/index.ts';
import { launchBrowser } from './support/browser.ts';
import { errorCode, gql, signIn } from './support/graphql-client.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { waitFor } from './support/wait-for.ts';

const SIGN_IN = 'mutation($e: String!, $p: String!){ signIn(email: $e, password: $p){ id role } }';
const CREATE = 'mutation($input: CreateUserInput!){ createUser(input: $input){ id } }';
const RESET = 'mutation($id: ID!, $p: String!){ resetPassword(userId: $id, password: $p){ id } }';

interface Attempt {
  status: number;
  code: string | undefined;
  message: string;
  retryAfterSeconds: number | undefined;
  setCookie: string | null;
  ms: number;
}

/** One sign-in as a browser at `address` (a loopback address the connection comes from) would send it. */
async function signInFrom(baseUrl: string, address: string, email: string, password: string, headers: Record<string, string> = {}) {
  const started = performance.now();
  const payload = JSON.stringify({ query: SIGN_IN, variables: { e: email, p: password } });
  const response = await new Promise<IncomingMessage>((resolve, reject) =>
    httpRequest(new URL('/api/graphql', baseUrl), {
      method: 'POST',
      localAddress: address,
      headers: { 'content-type': 'application/json', ...headers },
    })
      .once('response', resolve)
      .once('error', reject)
      .end(payload),
  );
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
    errors?: { message: string; extensions?: { code?: string; retryAfterSeconds?: number } }[];
  };
  const ms = performance.now() - started;
  const error = body.errors?.[0];
  return {
    status: response.statusCode ?? 0,
    code: error?.extensions?.code,
    message: error?.message ?? '',
    retryAfterSeconds: error?.extensions?.retryAfterSeconds,
    setCookie: response.headers['set-cookie']?.join(', ') ?? null,
    ms,
  } satisfies Attempt;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

describe('sign-in under attack', () => {
  let server: TestServer;
  let url: string;
  let admin: string;

  before(async () => {
    server = await startTestServer();
    url = server.url;
    admin = await signIn(url, 'admin@example.com');
  });
  after(() => server.close());

  const createUser = async (email: string, password: string) => {
    const created = await gql(url, CREATE, { input: { name: email, email, role: 'AGENT', password } }, { cookie: admin });
    assert.equal(created.errors, undefined, JSON.stringify(created.errors));
  };

  it('locks an account after repeated wrong passwords, from any address, while another account still signs in', async () => {
    await createUser('target@example.com', 'target-password');
    const tries = ACCOUNT_SIGN_IN_RULE.points;
    for (let i = 0; i < tries; i += 1) {
      const attempt = await signInFrom(url, `127.1.0.${i}`, 'target@example.com', `guess-${i}`);
      assert.equal(attempt.code, 'UNAUTHENTICATED', `wrong password ${i + 1}`);
    }
    // Locked now: even the right password, from yet another address, is refused with when to retry.
    const locked = await signInFrom(url, '127.1.0.99', 'target@example.com', 'target-password');
    assert.equal(locked.code, 'RATE_LIMITED');
    assert.equal(locked.status, 429);
    assert.ok(
      locked.retryAfterSeconds! > 60 && locked.retryAfterSeconds! <= ACCOUNT_SIGN_IN_RULE.blockSeconds!,
      String(locked.retryAfterSeconds),
    );
    assert.equal(locked.setCookie, null);
    // Another account, from the address that made the guesses, is not affected.
    const other = await signInFrom(url, '127.1.0.0', 'agent2@example.com', 'cobrowse-demo');
    assert.equal(other.code, undefined, other.message);
    assert.ok(other.setCookie);
  });

  it('counts only failures: a good sign-in resets the account, and many good sign-ins trip nothing', async () => {
    await createUser('steady@example.com', 'steady-password');
    for (let round = 0; round < 3; round += 1) {
      for (let i = 0; i < ACCOUNT_SIGN_IN_RULE.points - 1; i += 1)
        assert.equal((await signInFrom(url, '127.2.0.1', 'steady@example.com', 'nope-nope')).code, 'UNAUTHENTICATED');
      assert.equal((await signInFrom(url, '127.2.0.1', 'steady@example.com', 'steady-password')).code, undefined, `round ${round}`);
    }
    for (let i = 0; i < ADDRESS_SIGN_IN_RULE.points + 5; i += 1)
      assert.equal((await signInFrom(url, '127.2.0.2', 'steady@example.com', 'steady-password')).code, undefined);
  });

  it('locks an address guessing across many accounts, while another address still signs in', async () => {
    const tries = ADDRESS_SIGN_IN_RULE.points;
    for (let i = 0; i < tries; i += 1) {
      const attempt = await signInFrom(url, '127.3.0.1', `spray-${i}@example.com`, 'Password1!');
      assert.equal(attempt.code, 'UNAUTHENTICATED', `guess ${i + 1}`);
    }
    const locked = await signInFrom(url, '127.3.0.1', 'supervisor@example.com', 'cobrowse-demo');
    assert.equal(locked.code, 'RATE_LIMITED');
    assert.equal(locked.status, 429);
    assert.ok(locked.retryAfterSeconds! > 0);
    const elsewhere = await signInFrom(url, '127.3.0.2', 'supervisor@example.com', 'cobrowse-demo');
    assert.equal(elsewhere.code, undefined, elsewhere.message);
  });

  it('gives a burst of parallel guesses no more tries than one at a time', async () => {
    await createUser('burst@example.com', 'burst-password');
    const attempts = await Promise.all(
      Array.from({ length: 30 }, (_, i) => signInFrom(url, `127.4.0.${i}`, 'burst@example.com', `parallel-${i}`)),
    );
    const wrong = attempts.filter((attempt) => attempt.code === 'UNAUTHENTICATED').length;
    const limited = attempts.filter((attempt) => attempt.code === 'RATE_LIMITED').length;
    assert.equal(wrong, ACCOUNT_SIGN_IN_RULE.points);
    assert.equal(limited, 30 - ACCOUNT_SIGN_IN_RULE.points);
  });

  it('takes as long for an unknown email as for a wrong password', async () => {
    const known = ['timing-a@example.com', 'timing-b@example.com', 'timing-c@example.com'];
    for (const email of known) await createUser(email, 'timing-password');
    await signInFrom(url, '127.5.0.250', 'warm-up@example.com', 'whatever'); // the dummy hash is made on first use
    const knownMs: number[] = [];
    const unknownMs: number[] = [];
    for (let i = 0; i < 9; i += 1) {
      const wrong = await signInFrom(url, `127.5.1.${i}`, known[i % known.length]!, `wrong-${i}`);
      const unknown = await signInFrom(url, `127.5.2.${i}`, `nobody-${i}@example.com`, `wrong-${i}`);
      assert.equal(wrong.code, 'UNAUTHENTICATED');
      assert.equal(unknown.code, 'UNAUTHENTICATED');
      assert.equal(unknown.message, wrong.message, 'one message for both');
      knownMs.push(wrong.ms);
      unknownMs.push(unknown.ms);
    }
    const [k, u] = [median(knownMs), median(unknownMs)];
    // Loose on purpose (a shared machine): without the dummy hash an unknown email answers ~50× faster.
    assert.ok(u > k / 3 && u < k * 3, `median wrong password ${k.toFixed(1)} ms, unknown email ${u.toFixed(1)} ms`);
  });

  it('stores scrypt hashes, and upgrades an old bcrypt hash when its owner signs in', async () => {
    const user = await server.deps.db.user.create({
      data: { email: 'legacy@example.com', name: 'Legacy', role: 'AGENT', passwordHash: await bcrypt.hash('legacy-password', 10) },
    });
    assert.equal((await signInFrom(url, '127.6.0.1', 'legacy@example.com', 'wrong-password')).code, 'UNAUTHENTICATED');
    assert.match(
      (await server.deps.db.user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash,
      /^\$2/,
      'a failure changes nothing',
    );
    assert.equal((await signInFrom(url, '127.6.0.1', 'legacy@example.com', 'legacy-password')).code, undefined);
    const upgraded = (await server.deps.db.user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash;
    assert.match(upgraded, /^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    assert.equal((await signInFrom(url, '127.6.0.1', 'legacy@example.com', 'legacy-password')).code, undefined);
    assert.equal((await signInFrom(url, '127.6.0.1', 'legacy@example.com', 'legacy-passwordX')).code, 'UNAUTHENTICATED');
    const created = await server.deps.db.user.findUniqueOrThrow({ where: { email: 'target@example.com' } });
    assert.match(created.passwordHash, /^scrypt\$/, 'new users get scrypt');
  });

  it('tells passwords apart past 72 bytes (bcrypt would not) and bounds their length with a clear error', async () => {
    const long = `${'x'.repeat(80)}-tail-one`;
    await createUser('longpw@example.com', long);
    assert.equal((await signInFrom(url, '127.7.0.1', 'longpw@example.com', `${'x'.repeat(80)}-tail-two`)).code, 'UNAUTHENTICATED');
    assert.equal((await signInFrom(url, '127.7.0.1', 'longpw@example.com', long)).code, undefined);

    const longest = 'p'.repeat(1024);
    await createUser('maxpw@example.com', longest);
    assert.equal((await signInFrom(url, '127.7.0.2', 'maxpw@example.com', longest)).code, undefined);
    const tooLong = await signInFrom(url, '127.7.0.2', 'maxpw@example.com', 'p'.repeat(1025));
    assert.equal(tooLong.code, 'BAD_USER_INPUT');
    assert.match(tooLong.message, /at most 1024 characters/);
    const refused = await gql(
      url,
      CREATE,
      { input: { name: 'Too long', email: 'toolong@example.com', role: 'AGENT', password: 'p'.repeat(1025) } },
      { cookie: admin },
    );
    assert.equal(errorCode(refused), 'BAD_USER_INPUT');
    assert.match(refused.errors?.[0]?.message ?? '', /at most 1024 characters/);
  });

  it('lists demo accounts publicly only while they keep the published password', async () => {
    const listed = await gql<{ demoAccounts: string[] }>(url, '{ demoAccounts }');
    assert.deepEqual(listed.data?.demoAccounts, ['admin@example.com', 'agent2@example.com', 'agent@example.com', 'supervisor@example.com']);
    const agent = await server.deps.db.user.findUniqueOrThrow({ where: { email: 'agent@example.com' } });
    assert.equal((await gql(url, RESET, { id: agent.id, p: 'a-private-password' }, { cookie: admin })).errors, undefined);
    const after = await gql<{ demoAccounts: string[] }>(url, '{ demoAccounts }');
    assert.deepEqual(after.data?.demoAccounts, ['admin@example.com', 'agent2@example.com', 'supervisor@example.com']);
  });
});

describe('the Secure cookie flag comes from configuration, not from the request', () => {
  it('reads COOKIE_SECURE, defaulting to Secure on a configured deployment only', () => {
    assert.equal(readConfig({}).cookieSecure, false, 'quick start on http://localhost');
    assert.equal(readConfig({ DATABASE_URL: 'postgresql://db/cobrowse' }).cookieSecure, true, 'a real deployment');
    assert.equal(readConfig({ DATABASE_URL: 'postgresql://db/cobrowse' }, { dev: true }).cookieSecure, false, 'npm run dev');
    assert.equal(readConfig({ DATABASE_URL: 'postgresql://db/cobrowse', COOKIE_SECURE: 'false' }).cookieSecure, false);
    assert.equal(readConfig({ COOKIE_SECURE: 'true' }).cookieSecure, true);
    assert.throws(
      () => readConfig({ COOKIE_SECURE: 'maybe' }),
      (error: unknown) => error instanceof ConfigError && /COOKIE_SECURE/.test(error.message),
    );
  });

  it('ignores X-Forwarded-Proto either way', async () => {
    for (const cookieSecure of [false, true]) {
      const server = await startTestServer({ config: { cookieSecure } });
      try {
        for (const proto of ['https', 'http']) {
          const attempt = await signInFrom(server.url, '127.8.0.1', 'agent@example.com', 'cobrowse-demo', { 'x-forwarded-proto': proto });
          assert.ok(attempt.setCookie, attempt.message);
          assert.equal(/;\s*Secure/i.test(attempt.setCookie), cookieSecure, `COOKIE_SECURE=${cookieSecure}, X-Forwarded-Proto: ${proto}`);
        }
      } finally {
        await server.close();
      }
    }
  });
});

describe('what an empty database gets', () => {
  it('decides between demo users and one admin from SEED_DEMO_USERS and DATABASE_URL', () => {
    assert.equal(readConfig({}).seedDemoUsers, true, 'the embedded first-run default');
    assert.equal(readConfig({ SEED_DEMO_USERS: 'false' }).seedDemoUsers, false);
    assert.equal(readConfig({ DATABASE_URL: 'file:./elsewhere.db' }).seedDemoUsers, false, 'a configured database');
    assert.equal(readConfig({ DATABASE_URL: 'postgresql://db/cobrowse', SEED_DEMO_USERS: 'true' }).seedDemoUsers, true);
    assert.equal(readConfig({}).adminEmail, 'admin@cobrowse.local');
    assert.equal(readConfig({ ADMIN_EMAIL: ' Ops@Company.com ' }).adminEmail, 'ops@company.com');
    assert.throws(
      () => readConfig({ ADMIN_EMAIL: 'nobody' }),
      (error: unknown) => error instanceof ConfigError && /ADMIN_EMAIL/.test(error.message),
    );
  });

  it('creates the first admin once, and only on an empty database', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cobrowse-first-admin-'));
    const db = await openDatabase(`file:${path.join(dir, 'first.db')}`);
    try {
      const lines: string[] = [];
      assert.equal(await seedFirstAdmin(db.prisma, 'root@company.com', (line) => lines.push(line)), true);
      assert.equal(await seedFirstAdmin(db.prisma, 'root@company.com', (line) => lines.push(line)), false);
      assert.equal(lines.length, 1);
      const users = await db.prisma.user.findMany();
      assert.deepEqual(
        users.map((user) => [user.email, user.role, user.isDemo]),
        [['root@company.com', 'ADMIN', false]],
      );
      const password = /one-time password(?:\\n|\s)+([\w-]{20,})/.exec(lines[0]!)?.[1];
      assert.ok(password && password.length >= 20, lines[0]);
      assert.ok(!users[0]!.passwordHash.includes(password));
    } finally {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('npm start on a configured database: one admin with a random password in the log, no demo users, no demo credentials on /login', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cobrowse-prod-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        DATABASE_URL: `file:${path.join(dir, 'prod.db')}`,
        NODE_ENV: 'production',
        AUDIT_CHAIN_KEY: 'k'.repeat(32),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const browser = await launchBrowser();
    try {
      // The log may be plain lines or JSON records (escaped newlines): match either.
      const url = await waitFor(() => /listening on (http:\/\/[\w.:]+)/.exec(output)?.[1], 'the server to listen', 180_000);
      const password = /one-time password(?:\\n|\s)+([\w-]{20,})/.exec(output)?.[1];
      assert.ok(password, output);
      assert.match(output, /admin@cobrowse\.local/);
      assert.doesNotMatch(output, /cobrowse-demo/);
      assert.equal(errorCode(await gql(url, SIGN_IN, { e: 'admin@example.com', p: 'cobrowse-demo' })), 'UNAUTHENTICATED');
      assert.deepEqual((await gql(url, '{ demoAccounts }')).data, { demoAccounts: [] });

      const page = await (await browser.newContext()).newPage();
      await page.goto(`${url}/login?next=/admin`);
      await page.getByTestId('login-email').waitFor();
      await page.waitForLoadState('networkidle');
      assert.equal(await page.getByTestId('login-demo-accounts').count(), 0);
      assert.doesNotMatch(await page.locator('body').innerText(), /cobrowse-demo|Demo accounts/);
      await page.getByTestId('login-email').fill('admin@cobrowse.local');
      await page.getByTestId('login-password').fill(password);
      await page.getByTestId('login-submit').click();
      await page.waitForURL(`${url}/admin`);

      // Only the hash is stored: the password appears nowhere in the database files (the
      // write-ahead log included), which do hold the admin row it was stored with.
      const files = (await readdir(dir)).filter((name) => name.startsWith('prod.db'));
      const stored = Buffer.concat(await Promise.all(files.map((name) => readFile(path.join(dir, name)))));
      assert.ok(stored.includes('admin@cobrowse.local'), `the admin row is in ${files.join(', ')}`);
      assert.ok(!stored.includes(password), `the password is in ${files.join(', ')}`);
    } finally {
      await browser.close();
      child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('shows the demo credentials on /login when the demo users exist', async () => {
    const server = await startTestServer({ pages: true });
    const browser = await launchBrowser();
    try {
      const page = await (await browser.newContext()).newPage();
      await page.goto(`${server.url}/login`);
      const hint = page.getByTestId('login-demo-accounts');
      const text = await waitFor(async () => ((await hint.count()) > 0 ? await hint.innerText() : ''), 'the demo accounts hint');
      assert.match(text, /cobrowse-demo/);
      for (const email of ['agent@example.com', 'agent2@example.com', 'supervisor@example.com', 'admin@example.com'])
        assert.match(text, new RegExp(email));
    } finally {
      await browser.close();
      await server.close();
    }
  });
});
