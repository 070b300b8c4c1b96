/**
 * Builds the customer widget: widget/index.ts → dist/widget.js, one minified IIFE; its lazily
 * loaded chat window and language chunks; the ESM build (dist/widget.mjs) and its types
 * (dist/widget.d.mts). Run with `npm run build:widget`; fails when a bundle outgrows its gzip budget.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';
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

/** The ESM build (served at /widget.mjs) and its types (/widget.d.mts). */
export const ESM_OUTFILE = path.join(REPO_ROOT, 'dist', 'widget.mjs');
export const TYPES_OUTFILE = path.join(REPO_ROOT, 'dist', 'widget.d.mts');

/** A language chunk holds only its texts. */
export const MAX_LANGUAGE_GZIP_BYTES = 2 * 1024;

/** Where a language's chunk goes; the server serves it at /widget-i18n-<language>.js. */
export const languageOutfile = (language: string) => path.join(REPO_ROOT, 'dist', `widget-i18n-${language}.js`);

/**
 * rrweb 2.2.2 ships one ES module holding record, replay and two copies of postcss (used only by
 * the replayer). A few top-level statements there touch postcss for no effect, which keeps all of
 * it (~40 KB gzip) in any bundle. Dropping those statements and marking the lazy postcss module
 * pure lets esbuild tree-shake it. Canvas recording is off in the widget (recordCanvas: false), so
 * its manager is replaced by the no-op it is in that case, which drops the canvas observers and
 * their inline worker (~3 KB gzip); likewise the font observer and DOM slimming, both off. Each pattern must match, so an rrweb upgrade that changes the
 * file fails the build instead of silently bloating or breaking it.
 */
export const trimRrwebPlugin: Plugin = {
  name: 'trim-rrweb',
  setup(builder) {
    builder.onLoad({ filter: /[\\/]rrweb[\\/]dist[\\/]rrweb\.js$/ }, async ({ path: file }) => {
      let source = await readFile(file, 'utf8');
      const edits: [RegExp, string][] = [
        // `import_postcss.default.stringify;` and the like: re-export leftovers.
        [/^import_postcss(\$\d+)?\.default(\.\w+)?;$/gm, ''],
        // `var import_postcss = /* @__PURE__ */ __toESM((/* @__PURE__ */ __commonJSMin(...))(), 1)`: the inner call too is pure.
        [/^(var import_postcss(\$\d+)? = \/\* @__PURE__ \*\/ __toESM(\$\d+)?\()\(/gm, '$1/* @__PURE__ */ ('],
        // `var postcss_default = import_postcss.default;`: a property read esbuild cannot prove pure.
        [/^var (\w+) = (import_postcss(\$\d+)?\.default);$/gm, 'var $1 = /* @__PURE__ */ (() => $2)();'],
        // The canvas worker's Blob is built at load time, used only when recording canvases.
        [/^var blob = (typeof self .*);$/m, 'var blob = /* @__PURE__ */ (() => $1)();'],
        // With collectFonts false the font observer is never started.
        [
          /^function initFontObserver\(\{ fontCb, doc \}\) \{$/m,
          'function initFontObserver() { return () => {}; }\nfunction unusedInitFontObserver({ fontCb, doc }) {',
        ],
        // With no slimDOMOptions (the widget sets none) every check in here is false.
        [
          /^function slimDOMExcluded\(sn, slimDOMOptions\) \{$/m,
          'function slimDOMExcluded() { return false; }\nfunction unusedSlimDOMExcluded(sn, slimDOMOptions) {',
        ],
        // The widget never inlines images or records canvases (inlineImages and recordCanvas are
        // false), so the snapshot code that would draw them into a canvas is dead.
        [/^(\s*)if \(tagName === "img" && inlineImages\) \{$/m, '$1if (false) {'],
        [/^(\s*)if \(tagName === "canvas" && recordCanvas\) \{$/m, '$1if (false) {'],
        // With recordCrossOriginIframes false (the default) no iframe's messages are listened to,
        // so the code that renumbers their events never runs.
        [
          /^\ttransformCrossOriginEvent\(iframeEl, e\) \{$[\s\S]*?^(?=\treplace\(iframeMirror, obj, iframeEl, keys\) \{$)/m,
          '\ttransformCrossOriginEvent() {\n\t\treturn false;\n\t}\n',
        ],
        // With recordCanvas false the manager only ever has these five methods called, and they do nothing.
        [
          /^var CanvasManager = class \{$/m,
          'var CanvasManager = class { reset() {} freeze() {} unfreeze() {} lock() {} unlock() {} };\nvar UnusedCanvasManager = class {',
        ],
        // rrweb lists Element's querySelector methods as accessors, so the check that the page has
        // not patched Element always fails and rrweb builds an iframe for a pristine prototype: on
        // a large page that insertion cost tens of ms of the first snapshot. Listed as methods.
        [/^\tElement: \[\n\t\t"shadowRoot",\n\t\t"querySelector",\n\t\t"querySelectorAll"\n\t\],$/gm, '\tElement: ["shadowRoot"],'],
        [/^\tElement: \[\],\n(?=\tMutationObserver: \["constructor"\])/gm, '\tElement: ["querySelector", "querySelectorAll"],\n'],
        // The first snapshot of a large page is mostly rrweb's serializer (our target: 5,000 elements
        // in ≤ 150 ms). Per node it deleted a property (which turns the object into a slow
        // dictionary, also for JSON.stringify), copied the child list into an array, built up to
        // three option objects and one for the id, made a token list per element (classList),
        // an Attr node per attribute, and asked customElements about every tag. The same work
        // without those, with the same output: the child options, which hold all a child needs but
        // a root id (only nodes inside an iframe have one), are reused while nothing in them
        // changes; the class checks skip elements whose class attribute cannot hold the class;
        // attributes are read by name; custom element names always hold a hyphen.
        [/^(\t+)delete serializedNode\.needBlock;$/m, '$1serializedNode.needBlock = void 0;'],
        [
          /for \(const childN of Array\.from\(src_default\$2\.childNodes\(n\)\)\) \{\n(\t+)const serializedChildNode = serializeNodeWithId\(childN, bypassOptions\);/,
          'for (let childList = src_default$$2.childNodes(n), i = 0; i < childList.length; i++) {\n$1const childN = childList[i];\n$1const serializedChildNode = serializeNodeWithId(childN, bypassOptions);',
        ],
        [
          /^(\t+)const bypassOptions = \{$/m,
          '$1let bypassOptions = options.childOptions && options.needsMask === needsMask && options.preserveWhiteSpace === preserveWhiteSpace && !options.cssCaptured ? options : {\n$1\tchildOptions: true,',
        ],
        [/bypassOptions\.cssCaptured = true;/, 'bypassOptions = { ...bypassOptions, cssCaptured: true };'],
        [
          /^(\t+)const _serializedNode = serializeNode\(n, \{$/m,
          '$1const _serializedNode = serializeNode(n, options.childOptions && options.needsMask === needsMask ? options : {',
        ],
        [
          /const serializedNode = Object\.assign\(_serializedNode, \{ id \}\);/,
          'const serializedNode = _serializedNode;\n\tserializedNode.id = id;',
        ],
        [
          /case n\.ELEMENT_NODE: return serializeElementNode\(n, \{/,
          'case n.ELEMENT_NODE: return serializeElementNode(n, rootId === void 0 && options.childOptions ? options : {',
        ],
        [
          /case n\.TEXT_NODE: return serializeTextNode\(n, \{/,
          'case n.TEXT_NODE: return serializeTextNode(n, rootId === void 0 && options.childOptions ? options : {',
        ],
        [
          /const len = n\.attributes\.length;\n(\t+)for \(let i = 0; i < len; i\+\+\) \{\n\t+const attr = n\.attributes\[i\];\n\t+if \(!ignoreAttribute\(tagName, attr\.name, attr\.value\)\) attributes\[attr\.name\] = transformAttribute\(doc, tagName, toLowerCase\(attr\.name\), attr\.value\);/,
          'for (const name of n.getAttributeNames()) {\n$1\tconst value = n.getAttribute(name);\n$1\tif (!ignoreAttribute(tagName, name, value)) attributes[name] = transformAttribute(doc, tagName, toLowerCase(name), value);',
        ],
        [
          /if \(customElements\.get\(tagName\)\) isCustomElement = true;/,
          'if (tagName.includes("-") && customElements.get(tagName)) isCustomElement = true;',
        ],
        [
          /if \(element\.classList\.contains\(blockClass\)\)/,
          'if (element.getAttribute("class")?.includes(blockClass) && element.classList.contains(blockClass))',
        ],
        [
          /\} else if \(el\.classList\.contains\(maskTextClass\)\)/,
          '} else if (el.getAttribute("class")?.includes(maskTextClass) && el.classList.contains(maskTextClass))',
        ],
      ];
      for (const [pattern, replacement] of edits) {
        if (!pattern.test(source)) throw new Error(`trim-rrweb: ${pattern} no longer matches rrweb's bundle; update widget/build.ts`);
        source = source.replace(pattern, replacement);
      }
      return { contents: source, loader: 'js' };
    });
  },
};

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

async function buildBundle(entry: string, outfile: string, format: 'iife' | 'esm'): Promise<{ bytes: number; gzipBytes: number }> {
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
    plugins: [trimRrwebPlugin],
    write: false,
    logLevel: 'warning',
  });
  const bundled = result.outputFiles[0]?.text;
  if (!bundled) throw new Error('esbuild produced no output');
  // esbuild bundles and minifies; terser names the bundle's variables again, by how often each is
  // used, which takes about 2% more off the gzipped widget (it lives at the edge of its budget).
  // Only names: terser's compression took 6% off but reshapes rrweb's serializer's code, and
  // whether that slows the first snapshot (at the edge of its target) was lost in this machine's noise.
  const squeezed = await minify(bundled, { compress: false, mangle: true, module: format === 'esm', ecma: 2020 });
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
    { name: 'dist/widget.mjs', ...(await buildEsmWidget()), budget: MAX_WIDGET_GZIP_BYTES },
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
