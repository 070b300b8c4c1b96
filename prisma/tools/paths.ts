import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The application's folder: the nearest one above this module that holds package.json. Found by
 * walking up rather than by a fixed `../..`, because this module runs from prisma/tools/ in the
 * sources and from dist/server/ in the server bundle. The working directory plays no part.
 */
export const APP_ROOT = findAppRoot(path.dirname(fileURLToPath(import.meta.url)));

function findAppRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json in ${from} or any folder above it`);
  }
}

/** Where the Prisma files live. */
const prismaDir = (relative: string) => path.join(APP_ROOT, 'prisma', relative);

export const prismaPaths = {
  sqliteSchema: prismaDir('schema.prisma'),
  postgresSchema: prismaDir('schema.postgres.prisma'),
  sqliteMigrations: prismaDir('migrations'),
  postgresMigrations: prismaDir('migrations-postgres'),
} as const;
