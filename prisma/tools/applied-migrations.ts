import { createHash } from 'node:crypto';
import { readMigrations } from './schema-engine.ts';

/** The migrations a database has finished, as Prisma's own table lists them. */
export const APPLIED_MIGRATIONS_SQL =
  'SELECT migration_name, checksum FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL';

export interface AppliedMigration {
  migration_name: string;
  checksum: string;
}

/**
 * Whether `applied` holds every migration in `migrationsDir`, each as it is written now (Prisma's
 * checksum of its SQL). Starting the schema engine only to find nothing to do costs about a
 * second; a restart, and every test server, skips it when this says so.
 */
export async function allMigrationsApplied(applied: AppliedMigration[], migrationsDir: string): Promise<boolean> {
  const checksums = new Map(applied.map((row) => [row.migration_name, row.checksum]));
  const { migrationDirectories } = await readMigrations(migrationsDir);
  return migrationDirectories.every(
    ({ path, migrationFile }) =>
      migrationFile.content.tag === 'ok' && checksums.get(path) === createHash('sha256').update(migrationFile.content.value).digest('hex'),
  );
}
