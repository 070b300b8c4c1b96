/**
 * Builds the customer widget: widget/index.ts → dist/widget.js, one minified IIFE; its lazily
 * loaded chat window and language chunks; the ESM build (dist/widget.mjs) and its types
 * (dist/widget.d.mts). Run with `npm run build:widget`; fails when a bundle outgrows its gzip budget.
 */
import { readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { minify } from 'terser';
import { bundleDeclarations } from './build-types.ts';
import { LANGUAGES } from './i18n/texts.ts';

/** The widget's size budget: 30 KB gzipped, so it loads fast on customers' pages. */
export const MAX_WIDGET_GZIP_BYTES = 30 * 1024;

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Where the built widget goes; the server serves it at /widget.js. */
export const WIDGET_OUTFILE = path.join(REPO_ROOT, 'dist', 'widget.js');

/**
 * The chunks the widget loads only when a page needs them, each an ES module served at
 * `/widget-<name>.js`, with its entry and its own gzip budget.
 */
export const CHUNKS = {
  /** The chat window, when a customer opens a chat; it reuses the widget's transport, so it holds only its UI. */
  chat: { entry: 'chat/index.ts', budget: 6 * 1024 },
  /** Write Mode's actions on the page and the site's own question, when a session turns to Write Mode. */
  actions: { entry: 'agent-actions.ts', budget: 3 * 1024 },
  /** The masking preview's answer, in pages framed by the admin's preview. */
  preview: { entry: 'preview.ts', budget: 1024 },
  /** The agent's pointer and click ring, when the agent first points. */
  pointer: { entry: 'ui/agent-pointer.ts', budget: 1024 },
  /** The agent's annotations overlay: its strokes, their fading and their anchoring. */
  annotations: { entry: 'ui/annotations.ts', budget: 2 * 1024 },
  /** The page's fonts and images sent for agents whose browsers cannot fetch them. */
  assets: { entry: 'assets/send-page-assets.ts', budget: 2 * 1024 },
  /** Guided Mode's consent prompt, indicator, scrolls and outlines. */
  guided: { entry: 'ui/guided-mode.ts', budget: 3 * 1024 },
  /** The session across the site's tabs, while a session runs (or another tab says one runs). */
  tabs: { entry: 'tabs/index.ts', budget: 2 * 1024 },
  /** The masked-field cue and the customer's pointer states, once an agent joins. */
  cues: { entry: 'cues.ts', budget: 2 * 1024 },
  /** Agents' requests to co-browse and their light socket, on pages with a signed identity that ask for them. */
  invite: { entry: 'invite/index.ts', budget: 4 * 1024 },
  /** Deflating large batches into packed events, asked for as recording starts. */
  pack: { entry: 'pack.ts', budget: 1024 },
  /** The canvas mirror, on pages that have a canvas. */
  canvas: { entry: 'canvas/index.ts', budget: 3 * 1024 },
  /** The parent page's side of mirroring trusted frames of other sites. */
  frames: { entry: 'frames/mirror-frames.ts', budget: 1024 },
  /** The framed page's side, loaded with `init({ frame: true })`. */
  'child-frame': { entry: 'frames/record-for-parent.ts', budget: 1024 },
  /** Lit components' CSS as written, on pages that use Lit. */
  'lit-css': { entry: 'lit-css.ts', budget: 512 },
} as const;

export type ChunkName = keyof typeof CHUNKS;

/** Where a chunk goes; the server serves dist/ as it is. */
export const chunkOutfile = (name: ChunkName) => path.join(REPO_ROOT, 'dist', `widget-${name}.js`);

/** The ESM build (served at /widget.mjs) and its types (/widget.d.mts). */
export const ESM_OUTFILE = path.join(REPO_ROOT, 'dist', 'widget.mjs');
export const TYPES_OUTFILE = path.join(REPO_ROOT, 'dist', 'widget.d.mts');

/** The embeddable agent view's bridge client for CRM pages (/embed-client.mjs) and its types (/embed-client.d.mts). */
export const EMBED_CLIENT_OUTFILE = path.join(REPO_ROOT, 'dist', 'embed-client.mjs');
export const EMBED_CLIENT_TYPES_OUTFILE = path.join(REPO_ROOT, 'dist', 'embed-client.d.mts');
export const MAX_EMBED_CLIENT_GZIP_BYTES = 2 * 1024;

/** A language chunk holds only its texts. */
export const MAX_LANGUAGE_GZIP_BYTES = 2 * 1024;

/** Where a language's chunk goes; the server serves it at /widget-i18n-<language>.js. */
export const languageOutfile = (language: string) => path.join(REPO_ROOT, 'dist', `widget-i18n-${language}.js`);

/** The rrweb release package.json pins (exactly), which `RRWEB_PATCH` is written for. */
export const RRWEB_VERSION: string = (
  JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }
).devDependencies.rrweb!;

/**
 * Edits to rrweb's bundle (dist/rrweb.js), applied on install by patch-package: they let esbuild
 * drop postcss and the recorder code the widget leaves off (canvases, fonts, DOM slimming,
 * cross-origin iframes), and take per-node waste out of the serializer. Each hunk says why.
 */
export const RRWEB_PATCH = path.join(REPO_ROOT, 'patches', `rrweb+${RRWEB_VERSION}.patch`);

/** One hunk of a unified diff. */
export interface PatchHunk {
  /** The file it edits, inside the package (`dist/rrweb.js`). */
  file: string;
  /** Where it starts in the edited file. */
  line: number;
  /** Its lines before and after the edit, context included. */
  before: string;
  after: string;
}

/** The hunks of a patch made by patch-package, with their context lines. */
export function patchHunks(patch: string): PatchHunk[] {
  const hunks: PatchHunk[] = [];
  let file = '';
  let hunk: { file: string; line: number; before: string[]; after: string[] } | undefined;
  const close = () => hunk && hunks.push({ ...hunk, before: hunk.before.join('\n'), after: hunk.after.join('\n') });
  for (const text of patch.split('\n')) {
    const header = /^@@ -\d+(?:,\d+)? \+(\d+)/.exec(text);
    if (text.startsWith('diff --git ')) {
      close();
      hunk = undefined;
      file = text.replace(/^diff --git a\/node_modules\/(?:@[^/]+\/)?[^/]+\/(\S+) .*$/, '$1');
    } else if (header) {
      close();
      hunk = { file, line: Number(header[1]), before: [], after: [] };
    } else if (hunk && (text.startsWith(' ') || text.startsWith('-'))) {
      hunk.before.push(text.slice(1));
      if (text.startsWith(' ')) hunk.after.push(text.slice(1));
    } else if (hunk && text.startsWith('+')) hunk.after.push(text.slice(1));
  }
  close();
  return hunks;
}

/**
 * Throws unless node_modules holds rrweb `RRWEB_VERSION` with every hunk of `RRWEB_PATCH` in place,
 * so a node_modules installed before the patch (or before a change to it) fails the build rather
 * than quietly building an unpatched, bigger widget.
 */
export async function assertRrwebPatched(rrwebDir = path.join(REPO_ROOT, 'node_modules', 'rrweb')): Promise<void> {
  const patchName = path.relative(REPO_ROOT, RRWEB_PATCH);
  const { version } = JSON.parse(await readFile(path.join(rrwebDir, 'package.json'), 'utf8')) as { version: string };
  if (version !== RRWEB_VERSION) {
    throw new Error(`rrweb ${version} is installed but package.json pins ${RRWEB_VERSION}, which ${patchName} is for: run npm ci`);
  }
  const patch = await readFile(RRWEB_PATCH, 'utf8').catch(() => {
    throw new Error(`package.json pins rrweb ${RRWEB_VERSION} but there is no ${patchName}; see "Upgrading rrweb" in CONTRIBUTING.md`);
  });
  const sources = new Map<string, string>();
  for (const { file, line, after } of patchHunks(patch)) {
    if (!sources.has(file)) sources.set(file, await readFile(path.join(rrwebDir, file), 'utf8'));
    if (!sources.get(file)!.includes(after)) {
      throw new Error(
        `${patchName} is not applied to rrweb (its hunk at ${file}:${line} is missing): run npm ci, which applies it with patch-package`,
      );
    }
  }
}

let rrwebChecked: Promise<void> | undefined;

/** Builds the widget and returns its size, raw and gzipped, in bytes. */
export async function buildWidget(outfile = WIDGET_OUTFILE): Promise<{ bytes: number; gzipBytes: number }> {
  return buildBundle(path.join(REPO_ROOT, 'widget', 'index.ts'), outfile, 'iife');
}

/** Builds one of the lazily loaded chunks and returns its size. */
export async function buildChunk(name: ChunkName): Promise<{ bytes: number; gzipBytes: number }> {
  return buildBundle(path.join(REPO_ROOT, 'widget', CHUNKS[name].entry), chunkOutfile(name), 'esm');
}

/** Builds each language's texts (ES modules the widget imports when the page is in that language). */
export async function buildLanguageChunks(): Promise<{ name: string; bytes: number; gzipBytes: number }[]> {
  return Promise.all(
    LANGUAGES.map(async (language) => ({
      name: `dist/widget-i18n-${language}.js`,
      ...(await buildBundle(path.join(REPO_ROOT, 'widget', 'i18n', `${language}.ts`), languageOutfile(language), 'esm')),
    })),
  );
}

/** Builds the widget as an ES module exporting `Cobrowse` (widget/esm.ts) and returns its size. */
export async function buildEsmWidget(outfile = ESM_OUTFILE): Promise<{ bytes: number; gzipBytes: number }> {
  return buildBundle(path.join(REPO_ROOT, 'widget', 'esm.ts'), outfile, 'esm');
}

/** Writes the ESM build's types, generated from widget/esm.ts (widget/build-types.ts). */
export async function buildWidgetTypes(outfile = TYPES_OUTFILE): Promise<void> {
  await mkdir(path.dirname(outfile), { recursive: true });
  await writeFile(outfile, bundleDeclarations(path.join(REPO_ROOT, 'widget', 'esm.ts')));
}

/** Builds the embed view's bridge client (widget/embed-client) as an ES module, with its generated types. */
export async function buildEmbedClient(outfile = EMBED_CLIENT_OUTFILE): Promise<{ bytes: number; gzipBytes: number }> {
  const entry = path.join(REPO_ROOT, 'widget', 'embed-client', 'index.ts');
  await mkdir(path.dirname(EMBED_CLIENT_TYPES_OUTFILE), { recursive: true });
  const types = bundleDeclarations(entry).replace(
    /^\/\/ Generated by .*$/m,
    "// Generated by widget/build.ts from widget/embed-client: the embeddable agent view's bridge client.",
  );
  await writeFile(EMBED_CLIENT_TYPES_OUTFILE, types);
  return buildBundle(entry, outfile, 'esm');
}

async function buildBundle(entry: string, outfile: string, format: 'iife' | 'esm'): Promise<{ bytes: number; gzipBytes: number }> {
  await (rrwebChecked ??= assertRrwebPatched());
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format,
    target: 'es2022',
    platform: 'browser',
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"' },
    // rrweb's warnings are for its own developers; errors still reach the console.
    pure: ['console.warn', 'console.log', 'console.info', 'console.debug'],
    write: false,
    logLevel: 'warning',
  });
  const bundled = result.outputFiles[0]?.text;
  if (!bundled) throw new Error('esbuild produced no output');
  // esbuild bundles and minifies; terser then compresses again and names the bundle's variables
  // by how often each is used: about 3% fewer gzipped bytes than esbuild alone, which keeps the
  // widget, with its page-fidelity and address-stripping code, inside its budget. Its output does
  // what esbuild's does; bench/widget-snapshot.ts measures whether the reshaped serializer is slower.
  const squeezed = await minify(bundled, { compress: { ecma: 2020, passes: 2 }, mangle: true, module: format === 'esm', ecma: 2020 });
  if (!squeezed.code) throw new Error('terser produced no output');
  const code = Buffer.from(squeezed.code);
  await mkdir(path.dirname(outfile), { recursive: true });
  await writeFile(outfile, code);
  return { bytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const kb = (n: number) => (n / 1024).toFixed(1) + ' KB';
  const built = [
    { name: 'dist/widget.js', ...(await buildWidget()), budget: MAX_WIDGET_GZIP_BYTES },
    ...(await Promise.all(
      (Object.keys(CHUNKS) as ChunkName[]).map(async (chunk) => ({
        name: `dist/widget-${chunk}.js`,
        ...(await buildChunk(chunk)),
        budget: CHUNKS[chunk].budget,
      })),
    )),
    { name: 'dist/widget.mjs', ...(await buildEsmWidget()), budget: MAX_WIDGET_GZIP_BYTES },
    { name: 'dist/embed-client.mjs', ...(await buildEmbedClient()), budget: MAX_EMBED_CLIENT_GZIP_BYTES },
    ...(await buildLanguageChunks()).map((chunk) => ({ ...chunk, budget: MAX_LANGUAGE_GZIP_BYTES })),
  ];
  await buildWidgetTypes();
  console.log('dist/widget.d.mts: generated from widget/esm.ts');
  for (const { name, bytes, gzipBytes, budget } of built) {
    console.log(`${name}: ${kb(bytes)} minified, ${kb(gzipBytes)} gzipped (budget ${kb(budget)})`);
    if (gzipBytes > budget) {
      console.error(`${name} is over its budget by ${kb(gzipBytes - budget)}.`);
      process.exitCode = 1;
    }
  }
}
