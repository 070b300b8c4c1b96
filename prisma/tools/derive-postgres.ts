import { readFile, writeFile } from 'node:fs/promises';
import { prismaPaths } from './paths.ts';

const HEADER = '// Generated from schema.prisma by prisma/tools/derive-postgres.ts: edit schema.prisma instead.\n';

/** The PostgreSQL schema: the SQLite one with its provider and client output changed. */
export function derivePostgresSchema(sqliteSchema: string): string {
  const derived = sqliteSchema
    .replace(/provider\s*=\s*"sqlite"/, 'provider = "postgresql"')
    .replace(/output\s*=\s*"\.\.\/generated\/prisma\/sqlite"/, 'output   = "../generated/prisma/postgres"');
  if (derived === sqliteSchema) throw new Error('schema.prisma no longer has the provider/output lines this script rewrites');
  return HEADER + derived;
}

/** Writes prisma/schema.postgres.prisma from prisma/schema.prisma. */
export async function writePostgresSchema(): Promise<void> {
  const sqlite = await readFile(prismaPaths.sqliteSchema, 'utf8');
  await writeFile(prismaPaths.postgresSchema, derivePostgresSchema(sqlite));
}
