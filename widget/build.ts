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

/** The chat window, loaded by the widget only when a customer opens a chat; served at /widget-chat.js. */
export const CHAT_OUTFILE = path.join(REPO_ROOT, 'dist', 'widget-chat.js');

/** The chat bundle's own budget: it reuses the main widget's transport, so it holds only its UI. */
export const MAX_CHAT_GZIP_BYTES = 6 * 1024;

/** Write Mode's actions on the page, loaded when a session turns to Write Mode. */
export const ACTIONS_OUTFILE = path.join(REPO_ROOT, 'dist', 'widget-actions.js');
export const MAX_ACTIONS_GZIP_BYTES = 3 * 1024;
export const PREVIEW_OUTFILE = path.join(REPO_ROOT, 'dist', 'widget-preview.js');
export const MAX_PREVIEW_GZIP_BYTES = 1024;
export const POINTER_OUTFILE = path.join(REPO_ROOT, 'dist', 'widget-pointer.js');
export const ANNOTATIONS_OUTFILE = path.join(REPO_ROOT, 'dist', 'widget-annotations.js');
export const GUIDED_OUTFILE = path.join(REPO_ROOT, 'dist', 'widget-guided.js');
/** Guided Mode's consent prompt, indicator, scrolls and outlines. */
export const MAX_GUIDED_GZIP_BYTES = 3 * 1024;
export const MAX_POINTER_GZIP_BYTES = 1024;
/** The session across the site's tabs, loaded while a session runs (or another tab says one runs). */
export const TABS_OUTFILE = path.join(REPO_ROOT, 'dist', 'widget-tabs.js');
export const MAX_TABS_GZIP_BYTES = 2 * 1024;
/** The prompt for agents' requests to co-browse and its light socket, loaded on pages with a signed identity that ask for it. */
export const INVITE_OUTFILE = path.join(REPO_ROOT, 'dist', 'widget-invite.js');
export const MAX_INVITE_GZIP_BYTES = 4 * 1024;
/** The masked-field cue and the customer's pointer states, loaded once an agent joins. */
export const CUES_OUTFILE = path.join(REPO_ROOT, 'dist', 'widget-cues.js');
export const MAX_CUES_GZIP_BYTES = 2 * 1024;
/** The agent's annotations overlay: its strokes, their fading and their anchoring. */
export const MAX_ANNOTATIONS_GZIP_BYTES = 2 * 1024;
export const ASSETS_OUTFILE = path.join(REPO_ROOT, 'dist', 'widget-assets.js');
export const MAX_ASSETS_GZIP_BYTES = 2 * 1024;

/** Lit components' CSS as written, loaded only on pages that use Lit; served at /widget-lit-css.js. */
export const LIT_CSS_OUTFILE = path.join(REPO_ROOT, 'dist', 'widget-lit-css.js');
export const MAX_LIT_CSS_GZIP_BYTES = 512;

/** What mirrors trusted frames of other sites: the parent page's side, and the framed page's. */
export const FRAMES_OUTFILE = path.join(REPO_ROOT, 'dist', 'widget-frames.js');
export const CHILD_FRAME_OUTFILE = path.join(REPO_ROOT, 'dist', 'widget-child-frame.js');
export const MAX_FRAMES_GZIP_BYTES = 1024;

/** The canvas mirror, loaded by the widget only on pages that have a canvas; served at /widget-canvas.js. */
export const CANVAS_OUTFILE = path.join(REPO_ROOT, 'dist', 'widget-canvas.js');
export const MAX_CANVAS_GZIP_BYTES = 3 * 1024;

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

/** Builds the lazily loaded chat window (an ES module the widget imports) and returns its size. */
export async function buildChatWidget(outfile = CHAT_OUTFILE): Promise<{ bytes: number; gzipBytes: number }> {
  return buildBundle(path.join(REPO_ROOT, 'widget', 'chat', 'index.ts'), outfile, 'esm');
}

/** Builds Write Mode's action code (an ES module the widget imports once Write Mode is on) and returns its size. */
export async function buildActionsWidget(outfile = ACTIONS_OUTFILE): Promise<{ bytes: number; gzipBytes: number }> {
  return buildBundle(path.join(REPO_ROOT, 'widget', 'agent-actions.ts'), outfile, 'esm');
}

/** Builds the masking preview's answer (widget/preview.ts), loaded only by framed pages. */
export async function buildPreviewWidget(outfile = PREVIEW_OUTFILE): Promise<{ bytes: number; gzipBytes: number }> {
  return buildBundle(path.join(REPO_ROOT, 'widget', 'preview.ts'), outfile, 'esm');
}

/** Builds the agent's pointer and click ring (widget/ui/agent-pointer.ts), loaded when the agent first points. */
export async function buildPointerWidget(outfile = POINTER_OUTFILE): Promise<{ bytes: number; gzipBytes: number }> {
  return buildBundle(path.join(REPO_ROOT, 'widget', 'ui', 'agent-pointer.ts'), outfile, 'esm');
}

/** Builds the masked-field cue and the pointer states (widget/cues.ts), loaded once an agent joins. */
export async function buildCuesWidget(outfile = CUES_OUTFILE): Promise<{ bytes: number; gzipBytes: number }> {
  return buildBundle(path.join(REPO_ROOT, 'widget', 'cues.ts'), outfile, 'esm');
}

/** Builds the agent's annotations overlay (widget/ui/annotations.ts), loaded when the agent first draws. */
export async function buildAnnotationsWidget(outfile = ANNOTATIONS_OUTFILE): Promise<{ bytes: number; gzipBytes: number }> {
  return buildBundle(path.join(REPO_ROOT, 'widget', 'ui', 'annotations.ts'), outfile, 'esm');
}

/** Builds Guided Mode's chunk (widget/ui/guided-mode.ts), loaded when an agent first asks for Guided Mode. */
export async function buildGuidedWidget(outfile = GUIDED_OUTFILE): Promise<{ bytes: number; gzipBytes: number }> {
  return buildBundle(path.join(REPO_ROOT, 'widget', 'ui', 'guided-mode.ts'), outfile, 'esm');
}

/** Builds the chunk that keeps a session across the site's tabs (widget/tabs). */
export async function buildTabsWidget(outfile = TABS_OUTFILE): Promise<{ bytes: number; gzipBytes: number }> {
  return buildBundle(path.join(REPO_ROOT, 'widget', 'tabs', 'index.ts'), outfile, 'esm');
/** Builds the request-to-co-browse chunk (widget/invite), loaded only on pages with a signed identity that allow requests. */
export async function buildInviteWidget(outfile = INVITE_OUTFILE): Promise<{ bytes: number; gzipBytes: number }> {
  return buildBundle(path.join(REPO_ROOT, 'widget', 'invite', 'index.ts'), outfile, 'esm');
}

/** Builds the chunk that sends the page's fonts and images for agents (widget/assets/send-page-assets.ts). */
export async function buildAssetsWidget(outfile = ASSETS_OUTFILE): Promise<{ bytes: number; gzipBytes: number }> {
  return buildBundle(path.join(REPO_ROOT, 'widget', 'assets', 'send-page-assets.ts'), outfile, 'esm');
}

/** Builds the canvas mirror (an ES module the widget imports on a page with a canvas) and returns its size. */
export async function buildCanvasWidget(outfile = CANVAS_OUTFILE): Promise<{ bytes: number; gzipBytes: number }> {
  return buildBundle(path.join(REPO_ROOT, 'widget', 'canvas', 'index.ts'), outfile, 'esm');
}

/** Builds the parent page's side of mirroring frames of other sites (widget/frames/mirror-frames.ts). */
export async function buildFramesWidget(outfile = FRAMES_OUTFILE): Promise<{ bytes: number; gzipBytes: number }> {
  return buildBundle(path.join(REPO_ROOT, 'widget', 'frames', 'mirror-frames.ts'), outfile, 'esm');
}

/** Builds the framed page's side (widget/frames/record-for-parent.ts), loaded with `init({ frame: true })`. */
export async function buildChildFrameWidget(outfile = CHILD_FRAME_OUTFILE): Promise<{ bytes: number; gzipBytes: number }> {
  return buildBundle(path.join(REPO_ROOT, 'widget', 'frames', 'record-for-parent.ts'), outfile, 'esm');
}

/** Builds the chunk that reads Lit components' CSS as written (widget/lit-css.ts). */
export async function buildLitCssWidget(outfile = LIT_CSS_OUTFILE): Promise<{ bytes: number; gzipBytes: number }> {
  return buildBundle(path.join(REPO_ROOT, 'widget', 'lit-css.ts'), outfile, 'esm');
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
    { name: 'dist/widget-chat.js', ...(await buildChatWidget()), budget: MAX_CHAT_GZIP_BYTES },
    { name: 'dist/widget-actions.js', ...(await buildActionsWidget()), budget: MAX_ACTIONS_GZIP_BYTES },
    { name: 'dist/widget-preview.js', ...(await buildPreviewWidget()), budget: MAX_PREVIEW_GZIP_BYTES },
    { name: 'dist/widget-pointer.js', ...(await buildPointerWidget()), budget: MAX_POINTER_GZIP_BYTES },
    { name: 'dist/widget-annotations.js', ...(await buildAnnotationsWidget()), budget: MAX_ANNOTATIONS_GZIP_BYTES },
    { name: 'dist/widget-assets.js', ...(await buildAssetsWidget()), budget: MAX_ASSETS_GZIP_BYTES },
    { name: 'dist/widget-guided.js', ...(await buildGuidedWidget()), budget: MAX_GUIDED_GZIP_BYTES },
    { name: 'dist/widget-tabs.js', ...(await buildTabsWidget()), budget: MAX_TABS_GZIP_BYTES },
    { name: 'dist/widget-cues.js', ...(await buildCuesWidget()), budget: MAX_CUES_GZIP_BYTES },
    { name: 'dist/widget-invite.js', ...(await buildInviteWidget()), budget: MAX_INVITE_GZIP_BYTES },
    { name: 'dist/widget-canvas.js', ...(await buildCanvasWidget()), budget: MAX_CANVAS_GZIP_BYTES },
    { name: 'dist/widget-frames.js', ...(await buildFramesWidget()), budget: MAX_FRAMES_GZIP_BYTES },
    { name: 'dist/widget-child-frame.js', ...(await buildChildFrameWidget()), budget: MAX_FRAMES_GZIP_BYTES },
    { name: 'dist/widget-lit-css.js', ...(await buildLitCssWidget()), budget: MAX_LIT_CSS_GZIP_BYTES },
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
