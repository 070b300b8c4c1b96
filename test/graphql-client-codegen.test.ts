import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { generate } from '@graphql-codegen/cli';
import config from '../graphql/codegen.ts';

const CLIENT_DIR = 'graphql/generated/client/';

/** Files under a folder, recursively, relative to the repository. */
const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? filesUnder(file) : [file];
  });

/** The `useEffect(…)` calls of a source file, as text (balanced parentheses). */
function effects(source: string): string[] {
  const found: string[] = [];
  for (let start = source.indexOf('useEffect('); start >= 0; start = source.indexOf('useEffect(', start + 1)) {
    let depth = 0;
    let end = start + 'useEffect'.length;
    do {
      if (source[end] === '(') depth++;
      else if (source[end] === ')') depth--;
      end++;
    } while (depth > 0 && end < source.length);
    found.push(source.slice(start, end));
  }
  return found;
}

describe('the pages’ typed GraphQL operations (GraphQL Code Generator client preset)', () => {
  it('graphql/generated/client is what codegen makes of the schema and documents today', async () => {
    const outputs = await generate({ ...config, generates: { [CLIENT_DIR]: config.generates[CLIENT_DIR]! }, silent: true }, false);
    assert.ok(outputs.length >= 3, 'codegen produced the client files');
    for (const output of outputs) {
      const onDisk = readFileSync(output.filename, 'utf8');
      assert.equal(onDisk, output.content, `${output.filename} is stale: run npm run generate`);
    }
    assert.deepEqual(filesUnder(CLIENT_DIR).sort(), outputs.map((output: { filename: string }) => path.normalize(output.filename)).sort());
  });

  const pages = filesUnder('app').filter((file) => /\.tsx?$/.test(file));

  it('pages send typed documents through the shared clients, never their own', () => {
    for (const file of pages) {
      const source = readFileSync(file, 'utf8');
      if (!file.endsWith(path.join('lib', 'graphql-provider.tsx')) && !file.endsWith(path.join('lib', 'graphql-client.ts')))
        assert.doesNotMatch(source, /createGraphQLClients\(/, `${file} makes its own GraphQL clients`);
      assert.doesNotMatch(source, /from '@urql\/core'/, `${file} uses @urql/core directly instead of urql's React bindings`);
      assert.doesNotMatch(
        source,
        /(?<!graphql\()['`]\s*(query|mutation|subscription)\s+\w+[\s({]/,
        `${file} has an untyped document string`,
      );
    }
  });

  it('no effect awaits a query by hand (useQuery does, without race counters)', () => {
    for (const file of pages) {
      for (const effect of effects(readFileSync(file, 'utf8')))
        assert.doesNotMatch(effect, /toPromise\(|\.query\(|\.mutation\(/, `${file}: an effect runs a query by hand:\n${effect}`);
    }
  });
});
