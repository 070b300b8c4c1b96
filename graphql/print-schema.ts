import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { printSchema } from 'graphql';
import { buildSchema } from './schema/index.ts';

/** The merged, published schema: what third parties code against. */
export const PUBLISHED_SCHEMA_PATH = fileURLToPath(new URL('./schema.graphql', import.meta.url));

const HEADER = '# Generated from graphql/schema/*/schema.graphql by `npm run schema:print`. Do not edit.\n\n';

/** The schema served over HTTP and WebSocket, printed as SDL with its descriptions. */
export const printPublishedSchema = (): string => `${HEADER}${printSchema(buildSchema())}\n`;

// `npm run schema:print` writes the file; `--check` fails when the committed file has drifted.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const printed = printPublishedSchema();
  if (process.argv.includes('--check')) {
    const committed = await readFile(PUBLISHED_SCHEMA_PATH, 'utf8').catch(() => '');
    if (committed !== printed) {
      console.error('graphql/schema.graphql is out of date: run npm run schema:print');
      process.exit(1);
    }
  } else {
    await writeFile(PUBLISHED_SCHEMA_PATH, printed);
    console.log(`wrote ${PUBLISHED_SCHEMA_PATH}`);
  }
}
