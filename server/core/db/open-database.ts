import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient as PostgresClient } from '../../../generated/prisma/postgres/client.ts';
import { PrismaClient as SqliteClient } from '../../../generated/prisma/sqlite/client.ts';
import { prismaPaths } from '../../../prisma/tools/paths.ts';
import { applyMigrations, openSchemaEngine } from '../../../prisma/tools/schema-engine.ts';
import { allMigrationsApplied, APPLIED_MIGRATIONS_SQL, type AppliedMigration } from '../../../prisma/tools/applied-migrations.ts';

/** The one client type the code uses; the PostgreSQL client has the same models. */
export type PrismaClient = SqliteClient;

export interface Database {
  prisma: PrismaClient;
  provider: 'sqlite' | 'postgresql';
  close(): Promise<void>;
}

/** Our own lock around schema creation + migration (Prisma's engine takes 72707369 inside). */
const MIGRATION_LOCK_KEY = 0x636f6272; // "cobr"

/**
 * Opens the database named by `databaseUrl`, applying pending migrations first (like
 * `prisma migrate deploy`): `file:` is SQLite (the file and its folder are created),
 * `postgres(ql)://` is PostgreSQL, with an optional `?schema=` to keep to one schema.
 */
export async function openDatabase(databaseUrl: string): Promise<Database> {
  return databaseUrl.startsWith('file:') ? openSqlite(databaseUrl) : openPostgres(databaseUrl);
}

async function openSqlite(databaseUrl: string): Promise<Database> {
  const file = path.resolve(databaseUrl.slice('file:'.length));
  await mkdir(path.dirname(file), { recursive: true });
  const url = `file:${file}`;
  const prisma = new SqliteClient({ adapter: new PrismaBetterSqlite3({ url, timeout: 10_000 }) });
  // A new file has no migrations table yet: everything is pending.
  const applied = await prisma.$queryRawUnsafe<AppliedMigration[]>(APPLIED_MIGRATIONS_SQL).catch(() => []);
  if (!(await allMigrationsApplied(applied, prismaPaths.sqliteMigrations))) {
    const schemaEngine = await openSchemaEngine(new PrismaBetterSqlite3({ url }), prismaPaths.sqliteSchema);
    try {
      await applyMigrations(schemaEngine.engine, prismaPaths.sqliteMigrations);
    } finally {
      await schemaEngine.close();
    }
  }
  // WAL lets readers proceed while a write commits.
  await prisma.$queryRawUnsafe('PRAGMA journal_mode = WAL');
  return { prisma, provider: 'sqlite', close: () => prisma.$disconnect() };
}

async function openPostgres(databaseUrl: string): Promise<Database> {
  const url = new URL(databaseUrl);
  const schema = url.searchParams.get('schema') ?? undefined;
  url.searchParams.delete('schema');
  const poolConfig: pg.PoolConfig = { connectionString: url.toString(), ...(schema ? { options: `-c search_path="${schema}"` } : {}) };

  // Serialise migrations across processes starting at once against one database.
  const lock = new pg.Client({ connectionString: url.toString() });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    if (schema) await lock.query(`CREATE SCHEMA IF NOT EXISTS "${schema.replace(/"/g, '""')}"`);
    const migrationPool = new pg.Pool(poolConfig);
    const schemaEngine = await openSchemaEngine(new PrismaPg(migrationPool, { schema }), prismaPaths.postgresSchema);
    try {
      await applyMigrations(schemaEngine.engine, prismaPaths.postgresMigrations);
    } finally {
      await schemaEngine.close();
      await migrationPool.end();
    }
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {});
    await lock.end();
  }
  const pool = new pg.Pool(poolConfig);
  const prisma = new PostgresClient({ adapter: new PrismaPg(pool, { schema }) }) as unknown as PrismaClient;
  return {
    prisma,
    provider: 'postgresql',
    close: async () => {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
