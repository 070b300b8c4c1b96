import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The server is bundled into one file (dist/server/main.js) with no .graphql files beside it, so
// the SDL reaches it as a generated module rather than as files read at run time.

const SCHEMA_DIR = fileURLToPath(new URL('./schema/', import.meta.url));

/** The generated module: each domain's SDL as its file holds it (`npm run generate` writes it). */
export const TYPE_DEFS_MODULE_PATH = fileURLToPath(new URL('./generated/type-defs.ts', import.meta.url));

/** The text of the generated module, from graphql/schema/<domain>/schema.graphql as they are now. */
export async function typeDefsModule(): Promise<string> {
  const entries = await readdir(SCHEMA_DIR, { withFileTypes: true });
  const domains = (
    await Promise.all(
      entries
        .filter((entry) => entry.isDirectory())
        .map(async (entry) => {
          const sdl = await readFile(path.join(SCHEMA_DIR, entry.name, 'schema.graphql'), 'utf8').catch(() => null);
          return sdl === null ? [] : [{ domain: entry.name, sdl }];
        }),
    )
  )
    .flat()
    .sort((a, b) => a.domain.localeCompare(b.domain));
  const names = domains.map(({ domain }) => JSON.stringify(domain)).join(' | ');
  const lines = domains.map(({ domain, sdl }) => `  ${JSON.stringify(domain)}: ${JSON.stringify(sdl)},`);
  return [
    '// Generated from graphql/schema/*/schema.graphql by `npm run generate`. Do not edit.',
    '',
    '/** The SDL of each domain. */',
    `export const domainTypeDefs: { readonly [domain in ${names}]: string } = {`,
    ...lines,
    '};',
    '',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await mkdir(path.dirname(TYPE_DEFS_MODULE_PATH), { recursive: true });
  await writeFile(TYPE_DEFS_MODULE_PATH, await typeDefsModule());
  console.log(`wrote ${path.relative(process.cwd(), TYPE_DEFS_MODULE_PATH)}`);
}
