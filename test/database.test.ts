import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import pg from 'pg';
import { seedDemoUsers } from '../prisma/seed.ts';
import { derivePostgresSchema } from '../prisma/tools/derive-postgres.ts';
import { prismaPaths } from '../prisma/tools/paths.ts';
import { diffMigrationsToSchema, openSchemaEngine } from '../prisma/tools/schema-engine.ts';
import { openDatabase } from '../server/core/db/index.ts';

const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

describe('database', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('creates and migrates a SQLite file on first open; reopening applies nothing new', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cobrowse-db-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const url = `file:${path.join(dir, 'nested', 'app.db')}`;
    const first = await openDatabase(url);
    assert.equal(await first.prisma.user.count(), 0);
    assert.equal(await seedDemoUsers(first.prisma, () => {}), true);
    await first.close();
    const second = await openDatabase(url);
    const migrations = await second.prisma.$queryRawUnsafe<{ n: number }[]>('SELECT count(*) AS n FROM _prisma_migrations');
    const folders = (await readdir(prismaPaths.sqliteMigrations, { withFileTypes: true })).filter((entry) => entry.isDirectory());
    assert.equal(Number(migrations[0]!.n), folders.length);
    assert.equal(await second.prisma.user.count(), 4, 'data survives a restart');
    await second.close();
  });

  it('seeds the four demo users once, with hashed passwords', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cobrowse-db-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const db = await openDatabase(`file:${path.join(dir, 'seed.db')}`);
    const lines: string[] = [];
    assert.equal(await seedDemoUsers(db.prisma, (line) => lines.push(line)), true);
    assert.equal(await seedDemoUsers(db.prisma, (line) => lines.push(line)), false);
    const users = await db.prisma.user.findMany({ orderBy: { email: 'asc' } });
    assert.deepEqual(
      users.map((user) => [user.email, user.role]),
      [
        ['admin@example.com', 'ADMIN'],
        ['agent2@example.com', 'AGENT'],
        ['agent@example.com', 'AGENT'],
        ['supervisor@example.com', 'SUPERVISOR'],
      ],
    );
    assert.ok(
      users.every((user) => user.passwordHash.startsWith('scrypt$') && !user.passwordHash.includes('cobrowse-demo') && user.isDemo),
    );
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /cobrowse-demo/);
    await db.close();
  });

  it('migrates a real PostgreSQL schema, also when two servers start at once', async () => {
    const schema = `cobrowse_test_${process.pid}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    cleanups.push(async () => {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    });
    const url = `${POSTGRES_URL}?schema=${schema}`;
    const [a, b] = await Promise.all([openDatabase(url), openDatabase(url)]);
    assert.equal(a.provider, 'postgresql');
    assert.equal(await seedDemoUsers(a.prisma, () => {}), true);
    assert.equal(await b.prisma.user.count(), 4);
    const tables = await admin.query('SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1', [schema]);
    assert.deepEqual(
      tables.rows.map((row: { table_name: string }) => row.table_name),
      [
        'AgentPresence',
        'ApiKey',
        'AuditEvent',
        'AuthSession',
        'Chat',
        'ChatMessage',
        'IdentitySecret',
        'Invitation',
        'RecordingChunk',
        'Session',
        'SiteAsset',
        'SiteSettings',
        'User',
        'WebhookDelivery',
        'WebhookEndpoint',
        '_prisma_migrations',
      ],
    );
    await Promise.all([a.close(), b.close()]);
  });

  it('keeps the PostgreSQL schema derived from the SQLite one (no drift)', async () => {
    const [sqlite, postgres] = await Promise.all([
      readFile(prismaPaths.sqliteSchema, 'utf8'),
      readFile(prismaPaths.postgresSchema, 'utf8'),
    ]);
    assert.equal(postgres, derivePostgresSchema(sqlite), 'run npm run generate');
  });

  it('keeps the schema each migration ends at beside it, the last one equal to the current schema', async () => {
    for (const [dir, schemaPath] of [
      [prismaPaths.sqliteMigrations, prismaPaths.sqliteSchema],
      [prismaPaths.postgresMigrations, prismaPaths.postgresSchema],
    ] as const) {
      const last = (await readdir(dir, { withFileTypes: true }))
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort()
        .at(-1)!;
      assert.equal(
        await readFile(path.join(dir, last, 'schema.prisma'), 'utf8'),
        await readFile(schemaPath, 'utf8'),
        `run npm run migration:new (${dir})`,
      );
    }
  });

  it('has migrations that produce exactly the current schema', async () => {
    const { engine, close } = await openSchemaEngine(new PrismaBetterSqlite3({ url: ':memory:' }), prismaPaths.sqliteSchema);
    const sql = await diffMigrationsToSchema(engine, prismaPaths.sqliteMigrations, prismaPaths.sqliteSchema);
    await close();
    assert.match(
      sql.trim(),
      /^(-- This is an empty migration\.)?$/,
      `schema.prisma changed without a migration: run npm run migration:new -- <name>\n${sql}`,
    );
  });
});
