import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * Comments, schema descriptions, docs and test names say the reason itself. References to
 * documents a reader of the repository does not have — requirement tags, sections of the product
 * specification, issue numbers — tell them nothing, so none may come back.
 */
const CITATIONS: { what: string; pattern: RegExp }[] = [
  // Requirement tags: the letter R or B and a number up to 24, as a word of their own (not inside a hex string or a name).
  { what: 'requirement tag', pattern: /(?<![\w#$.])[RB](?:[1-9]|1\d|2[0-4])(?!\w)/ },
  // The product specification by name or by section sign ("spec" of a public standard is fine).
  // Written S[P]EC and \u00a7 so that this line does not cite what it looks for.
  { what: 'specification reference', pattern: /\bS[P]EC\b|\u00a7/ },
  { what: 'issue number', pattern: /\bissues? #?\d+\b/i },
];

/** Tracked files that are data, not prose (benchmark results, the lockfile's hashes), and this file's samples. */
const SKIPPED = [/^bench\/results\//, /^package-lock\.json$/, /^test\/no-spec-tags\.test\.ts$/];

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));

/** `file:line: text` for every citation in the given text. */
export function findCitations(file: string, text: string): string[] {
  const found: string[] = [];
  text.split('\n').forEach((line, index) => {
    const hit = CITATIONS.find(({ pattern }) => pattern.test(line));
    if (hit) found.push(`${file}:${index + 1}: ${hit.what}: ${line.trim()}`);
  });
  return found;
}

function trackedTextFiles(): { file: string; text: string }[] {
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 })
    .split('\0')
    .filter((file) => file && !SKIPPED.some((skip) => skip.test(file)));
  const texts: { file: string; text: string }[] = [];
  for (const file of files) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path.join(root, file));
    } catch {
      continue; // tracked but removed from the work tree
    }
    if (!bytes.includes(0)) texts.push({ file, text: bytes.toString('utf8') });
  }
  return texts;
}

// The samples are put together from parts, so this file does not itself cite anything.
const tag = (letter: 'R' | 'B', number: number) => `${letter}${number}`;
const PRODUCT_DOCUMENT = ['SP', 'EC'].join('');
const SECTION = '\u00a7';
const ISSUE = ['Iss', 'ue'].join('');

describe('no citations of documents the repository does not have', () => {
  it('finds each kind of citation, and leaves colours, hashes, names and public specs alone', () => {
    const cited: [file: string, line: string][] = [
      ['a.ts', `// One session per agent (${tag('R', 5)}).`],
      ['a.ts', `it('refuses a second agent (${tag('R', 7)})', () => {});`],
      ['a.graphql', `"${tag('B', 11)}: keep each session's event stream."`],
      ['a.md', `Holds the masking rules (${tag('R', 20)}–${tag('R', 22)}).`],
      ['a.md', `Write Mode (${tag('R', 10)}-${tag('R', 13)}) and chat (${tag('B', 2)}, ${tag('R', 18)}).`],
      ['a.md', `The size budget (${PRODUCT_DOCUMENT} ${SECTION}7): 30 KB.`],
      ['a.md', `Targets of ${SECTION} 7.`],
      ['a.ts', `/** ${ISSUE} 10: a real large page. */`],
      ['a.md', `## Batch uploads (${ISSUE.toLowerCase()} #10)`],
    ];
    for (const [file, line] of cited) assert.equal(findCitations(file, line).length, 1, line);

    const plain = [
      'color: #B2B2B2; background: #a1B2c3;',
      "const digest = 'sha512-R2B3+u9UAum2odSsF9tnvxg80h4Z';",
      `const ${tag('B', 25)} = 1; const ${tag('R', 2)}D2 = 2; const css${tag('R', 2)} = 3; const id = $${tag('B', 2)} + this.${tag('R', 2)};`,
      'GraphQL over HTTP spec compliant; see the rrweb spec and the specification of graphql-ws.',
      'A support-ticket-42 request id; issues are tracked elsewhere.',
    ];
    for (const line of plain) assert.deepEqual(findCitations('a.ts', line), [], line);
  });

  it('has none in any tracked source, schema or doc file', () => {
    const files = trackedTextFiles();
    assert.ok(files.some(({ file }) => file === 'graphql/schema.graphql') && files.length > 100, 'the tracked files were read');
    const found = files.flatMap(({ file, text }) => findCitations(file, text));
    assert.deepEqual(found, [], `say the reason itself instead:\n${found.join('\n')}`);
  });
});
