import { fileURLToPath } from 'node:url';

/** Where the Prisma files live, resolved from this file rather than the working directory. */
const prismaDir = (relative: string) => fileURLToPath(new URL(`../${relative}`, import.meta.url));

export const prismaPaths = {
  sqliteSchema: prismaDir('schema.prisma'),
  postgresSchema: prismaDir('schema.postgres.prisma'),
  sqliteMigrations: prismaDir('migrations'),
  postgresMigrations: prismaDir('migrations-postgres'),
} as const;
