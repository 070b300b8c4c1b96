import { execFileSync } from 'node:child_process';
import { writePostgresSchema } from './derive-postgres.ts';
import { prismaPaths } from './paths.ts';

// `npm run generate`: both Prisma clients, offline. Prisma 7's client runs on a driver adapter and
// needs no native engine, but the CLI still looks for one: any existing file satisfies it.
await writePostgresSchema();
const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: '/bin/true', CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' };
for (const schema of [prismaPaths.sqliteSchema, prismaPaths.postgresSchema]) {
  execFileSync('npx', ['prisma', 'generate', '--schema', schema], { stdio: 'inherit', env });
}
