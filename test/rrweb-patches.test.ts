import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { assertRrwebPatched, buildWidget, patchHunks, RRWEB_PATCH, RRWEB_VERSION, type PatchHunk } from '../widget/build.ts';
import { launchBrowser } from './support/browser.ts';
import { waitFor } from './support/wait-for.ts';

// patches/rrweb+<version>.patch, edit by edit. rrweb's recorder is bundled as the widget bundles it
// from rrweb's bundle as installed (patched), as published (the patch reversed) and with one edit
// reversed. An edit that lets esbuild drop code is shown by code that comes back without it and is
// gone with it, from the widget too; the serializer's edits, which change how it works and not what
// it records, by the DOM calls they save and by the same recording of a page in Chromium.

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const RRWEB_DIR = path.join(REPO_ROOT, 'node_modules', 'rrweb');

/** An edit of the patch: the hunks that make it (by what they change) and what shows its effect. */
interface Edit {
  name: string;
  hunk: (hunk: PatchHunk) => boolean;
}

/** Edits after which esbuild drops code the widget never runs: `gone` is a string only that code holds. */
const DROPPING_EDITS: (Edit & { gone: string })[] = [
  { name: 'postcss, used only by the replayer', hunk: (h) => h.before.includes('import_postcss'), gone: 'CssSyntaxError' },
  { name: 'no DOM slimming', hunk: (h) => h.before.includes('function slimDOMExcluded('), gone: 'google-site-verification' },
  { name: 'no inlined images', hunk: (h) => h.before.includes('tagName === "img" && inlineImages'), gone: 'naturalWidth' },
  { name: 'no font observer', hunk: (h) => h.before.includes('function initFontObserver('), gone: 'FontFace' },
  { name: 'no cross-origin iframe events', hunk: (h) => h.before.includes('transformCrossOriginEvent(iframeEl, e)'), gone: '"previousId"' },
  // The canvas edits, to be dropped when the widget records canvases.
  {
    name: 'canvas: no pixels read while serializing',
    hunk: (h) => h.before.includes('tagName === "canvas" && recordCanvas'),
    gone: 'getImageData',
  },
  { name: 'canvas: the worker made only when used', hunk: (h) => h.before.includes('var blob = '), gone: 'OffscreenCanvas' },
  { name: 'canvas: a no-op canvas manager', hunk: (h) => h.before.includes('var CanvasManager = class {'), gone: 'WebGLActiveInfo' },
];

/** Edits of what the serializer does per node and of rrweb's check for a patched Element, shown in Chromium. */
const BROWSER_EDITS: Edit[] = [
  {
    name: "Element's querySelector methods listed as methods",
    hunk: (h) => h.after.includes('Element: ["querySelector", "querySelectorAll"]'),
  },
  {
    name: "the serializer's per-node waste",
    hunk: (h) =>
      [
        'classList.contains(',
        'options.childOptions',
        'getAttributeNames()',
        'customElements.get(',
        'needBlock = void 0',
        'childList[i]',
      ].some((line) => h.after.includes(line)),
  },
];

/** rrweb's source with `hunks` of the patch reversed (in the order the patch lists them). */
function reverse(source: string, hunks: PatchHunk[]): string {
  let from = 0;
  for (const { after, before, line } of hunks) {
    const at = source.indexOf(after, from);
    assert.ok(at >= 0, `the hunk at line ${line} is in rrweb's source`);
    source = source.slice(0, at) + before + source.slice(at + after.length);
    from = at + before.length;
  }
  return source;
}

/** rrweb's record(), bundled from `source` with the widget's esbuild settings, as `globalThis.rrwebRecord`. */
async function recorderBundle(source: string): Promise<string> {
  const result = await build({
    stdin: { contents: "import { record } from 'rrweb'; globalThis.rrwebRecord = record;", resolveDir: REPO_ROOT },
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2022',
    platform: 'browser',
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"' },
    pure: ['console.warn', 'console.log', 'console.info', 'console.debug'],
    plugins: [
      {
        name: 'rrweb-source',
        setup: (builder) => builder.onLoad({ filter: /[\\/]rrweb[\\/]dist[\\/]rrweb\.js$/ }, () => ({ contents: source, loader: 'js' })),
      },
    ],
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

describe(`rrweb patch (patches/rrweb+${RRWEB_VERSION}.patch)`, () => {
  let hunks: PatchHunk[];
  let patchedSource: string;
  let publishedSource: string;
  let patched: string;
  let published: string;
  let widget: string;
  let scratch: string;

  before(async () => {
    await assertRrwebPatched();
    hunks = patchHunks(await readFile(RRWEB_PATCH, 'utf8'));
    patchedSource = await readFile(path.join(RRWEB_DIR, 'dist', 'rrweb.js'), 'utf8');
    publishedSource = reverse(patchedSource, hunks);
    [patched, published] = await Promise.all([recorderBundle(patchedSource), recorderBundle(publishedSource)]);
    scratch = await mkdtemp(path.join(tmpdir(), 'rrweb-patch-'));
    await buildWidget(path.join(scratch, 'widget.js'));
    widget = await readFile(path.join(scratch, 'widget.js'), 'utf8');
  });
  after(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('edits only rrweb.js, and every hunk belongs to exactly one edit tested here', () => {
    assert.ok(hunks.length > 0);
    for (const hunk of hunks) {
      assert.equal(hunk.file, 'dist/rrweb.js');
      const edits = [...DROPPING_EDITS, ...BROWSER_EDITS].filter((edit) => edit.hunk(hunk)).map((edit) => edit.name);
      assert.equal(edits.length, 1, `the hunk at line ${hunk.line} belongs to one edit (${edits.join(', ') || 'none'})`);
    }
    for (const edit of [...DROPPING_EDITS, ...BROWSER_EDITS]) assert.ok(hunks.some(edit.hunk), `a hunk makes "${edit.name}"`);
  });

  for (const edit of DROPPING_EDITS) {
    it(`${edit.name}: without it, "${edit.gone}" is bundled; with it, not in the recorder or the widget`, async () => {
      assert.ok(published.includes(edit.gone), 'rrweb as published');
      // Each hunk alone: postcss comes back (both copies hold the string) when any one is reversed.
      for (const hunk of hunks.filter(edit.hunk)) {
        assert.ok((await recorderBundle(reverse(patchedSource, [hunk]))).includes(edit.gone), `the hunk at line ${hunk.line} reversed`);
      }
      assert.ok(!patched.includes(edit.gone), 'recorder, patched');
      assert.ok(!widget.includes(edit.gone), 'dist/widget.js');
    });
  }

  it('the serializer sets needBlock to undefined instead of deleting it, and reads attributes by name', () => {
    const deletes = /delete \w+\.needBlock\b/;
    assert.match(published, deletes);
    assert.doesNotMatch(patched, deletes);
    assert.doesNotMatch(widget, deletes);
    assert.ok(!published.includes('getAttributeNames()'));
    assert.ok(patched.includes('getAttributeNames()'));
  });

  it('the build refuses rrweb without the patch, or of another version', async () => {
    const fake = path.join(scratch, 'rrweb');
    await cp(path.join(RRWEB_DIR, 'package.json'), path.join(fake, 'package.json'));
    await cp(path.join(RRWEB_DIR, 'dist', 'rrweb.js'), path.join(fake, 'dist', 'rrweb.js'));
    await assertRrwebPatched(fake);
    const patchName = path.relative(REPO_ROOT, RRWEB_PATCH);
    await writeFile(path.join(fake, 'dist', 'rrweb.js'), publishedSource);
    await assert.rejects(assertRrwebPatched(fake), (error: Error) => error.message.startsWith(`${patchName} is not applied to rrweb`));
    const manifest = JSON.parse(await readFile(path.join(RRWEB_DIR, 'package.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(path.join(fake, 'package.json'), JSON.stringify({ ...manifest, version: '0.0.1' }));
    await assert.rejects(assertRrwebPatched(fake), (error: Error) =>
      error.message.startsWith(`rrweb 0.0.1 is installed but package.json pins ${RRWEB_VERSION}, which ${patchName} is for`),
    );
  });

  describe('in Chromium, rrweb as published and as patched', () => {
    let browser: Browser;
    let site: Server;
    let siteUrl: string;

    before(async () => {
      site = createServer((request, response) => {
        const body = { '/': PAGE, '/style.css': 'main { color: navy }' }[request.url ?? ''];
        const type = request.url === '/' ? 'text/html' : 'text/css';
        response.writeHead(body === undefined ? 404 : 200, { 'content-type': `${type}; charset=utf-8` });
        response.end(body ?? '');
      });
      await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
      siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
      browser = await launchBrowser();
    });
    after(async () => {
      await browser?.close();
      site?.close();
    });

    /** Records PAGE with one of the recorders: its events (snapshot, iframe, a mutation) and the DOM calls made while snapshotting. */
    async function record(recorder: 'published' | 'patched') {
      const page = await browser.newPage();
      try {
        await page.goto(siteUrl);
        await page.addScriptTag({ content: recorder === 'patched' ? patched : published });
        const calls = (await page.evaluate(RECORD_IN_PAGE)) as SnapshotCalls;
        const events = () =>
          page.evaluate(() => (globalThis as unknown as { recorded: { type: number; data: Record<string, unknown> }[] }).recorded);
        await waitFor(async () => (await events()).some((event) => event.type === 3 && event.data.isAttachIframe), 'the iframe recorded');
        await page.evaluate(() => {
          const added = document.createElement('section');
          added.innerHTML =
            '<h2 class="rr-mask">added <em>later</em></h2><my-element title="again">x</my-element><p data-mask="">masked</p>';
          document.body.append(added);
        });
        await waitFor(
          async () => (await events()).some((event) => event.type === 3 && JSON.stringify(event.data).includes('"section"')),
          'the mutation recorded',
        );
        return { calls, events: (await events()).map(({ type, data }) => ({ type, data })) };
      } finally {
        await page.close();
      }
    }

    let publishedRun: Awaited<ReturnType<typeof record>>;
    let patchedRun: Awaited<ReturnType<typeof record>>;
    before(async () => {
      publishedRun = await record('published');
      patchedRun = await record('patched');
    });

    it('records the same page the same', () => {
      const recorded = JSON.stringify(publishedRun.events);
      // The page reaches every edited branch: blocked and masked by class and selector, a class
      // holding the block and mask names only in part, a defined and an undefined custom element,
      // SVG attributes, a shadow root, <style>s (their text captured once, and an element inside
      // one), an iframe, a mutation.
      for (const seen of [
        '"rr_width":"120px"',
        '"class":"rr-blocker"',
        '"textContent":"not blocked"',
        '"textContent":"******"',
        '"textContent":"partly rr-masked"',
        '"isCustom":true',
        '"tagName":"other-element"',
        '"viewBox":"0 0 10 10"',
        '"xlink:href":"#c"',
        '"isShadowHost":true',
        '"_cssText":"main { color: navy; }"',
        '"_cssText":".big { font-size: 2em;',
        '"textContent":"an element inside a style"',
        '"textContent":"in the frame"',
        '"rootId"',
        '"tagName":"section"',
      ]) {
        assert.ok(recorded.includes(seen), `recorded ${seen}`);
      }
      assert.ok(!/"tagName":"other-element"[^}]*"isCustom"/.test(recorded), 'an undefined custom element is not marked custom');
      assert.equal(JSON.stringify(patchedRun.events), recorded);
    });

    it('makes no iframe for a pristine Element prototype (querySelector listed as a method)', () => {
      assert.ok(publishedRun.calls.iframesInserted > 0, 'as published, rrweb inserts an iframe');
      assert.equal(patchedRun.calls.iframesInserted, 0);
    });

    it('reads no Attr node, class list or registry entry it does not need, copies no child list or id, deletes no needBlock', () => {
      const { calls: before } = publishedRun;
      const { calls: now } = patchedRun;
      assert.ok(before.elements > 30, `the snapshot holds the page's elements (${before.elements})`);
      assert.ok(before.attributesRead >= before.elements, `as published, each element's attributes are read (${before.attributesRead})`);
      assert.equal(now.attributesRead, 0);
      assert.ok(before.classListsReadWithoutTheNames > 0, 'as published, class lists are read of elements whose class cannot match');
      assert.equal(now.classListsReadWithoutTheNames, 0);
      assert.ok(now.classListsRead > 0, 'those whose class attribute holds rr-block or rr-mask still are');
      assert.ok(before.namesAskedWithoutHyphen > 0, 'as published, the registry is asked about every tag');
      assert.equal(now.namesAskedWithoutHyphen, 0);
      assert.ok(now.namesAsked > 0, 'names with a hyphen still are asked about');
      assert.ok(before.childListsCopied >= before.parents, `as published, each child list is copied (${before.childListsCopied})`);
      assert.equal(now.childListsCopied, 0);
      assert.ok(before.idObjects >= before.elements, `as published, each node's id comes in an object of its own (${before.idObjects})`);
      assert.equal(now.idObjects, 0);
      assert.equal(before.needBlockKept, false, 'as published, needBlock is deleted');
      assert.equal(now.needBlockKept, true, 'needBlock is kept, undefined');
    });
  });
});

/** A page that reaches every branch the serializer's edits touch. */
const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Serializer</title>
<link rel="stylesheet" href="/style.css"><style>.big { font-size: 2em; background: url(bg.png) }</style></head>
<body>
<!-- a comment -->
<h1 class="title big" data-x="1" aria-label="Title">Hello <b>world</b></h1>
<p class="rr-mask">secret</p>
<p class="rr-masked">partly rr-masked</p>
<div class="rr-block" style="width: 120px; height: 30px">blocked <input value="x"></div>
<div class="rr-blocker">not blocked</div>
<div class="blocked-by-selector">blocked by a selector</div>
<p data-mask="">masked by a selector <i>deep</i></p>
<my-element data-state="defined"><span>in a custom element</span></my-element>
<other-element>an undefined custom element</other-element>
<svg viewBox="0 0 10 10" xmlns:xlink="http://www.w3.org/1999/xlink"><use xlink:href="#c"></use><circle id="c" cx="5" cy="5" r="4"></circle></svg>
<form><input type="text" value="typed"><input type="password" value="pw"><input type="checkbox" checked>
<select><option>a</option><option selected>b</option></select><textarea>area text</textarea></form>
<video autoplay muted></video>
<a href="/relative?x=1">link</a><img src="/none.png" srcset="/none.png 1x, /none2.png 2x" alt="">
<canvas width="10" height="10"></canvas>
<dialog open>a dialog</dialog>
<div id="host"></div>
<iframe srcdoc="<p class='rr-mask'>masked in the frame</p><b>in the frame</b>"></iframe>
<pre>  white   space  </pre>
<script>
customElements.define('my-element', class extends HTMLElement {});
const styled = document.createElement('style');
styled.append('p { margin: 0 }', Object.assign(document.createElement('span'), { textContent: 'an element inside a style' }));
document.head.append(styled);
document.getElementById('host').attachShadow({ mode: 'open' }).innerHTML = '<p class="rr-mask">in a shadow root</p><slot></slot>';
</script>
</body></html>`;

/** What RECORD_IN_PAGE counts while rrweb takes the first snapshot, and of that snapshot. */
interface SnapshotCalls {
  attributesRead: number;
  /** Object.assign(node, { id }) calls. */
  idObjects: number;
  /** Array.from(a node's childNodes) calls, but for a shadow root's or a <style>'s. */
  childListsCopied: number;
  /** Elements whose classList was read, and those of them whose class attribute holds neither rr-block nor rr-mask. */
  classListsRead: number;
  classListsReadWithoutTheNames: number;
  /** customElements.get calls, and those for a name without a hyphen. */
  namesAsked: number;
  namesAskedWithoutHyphen: number;
  iframesInserted: number;
  /** The snapshot's elements, and those but <style>s with child nodes in it. */
  elements: number;
  parents: number;
  /** Whether the <h1>'s serialized node still has a needBlock property. */
  needBlockKept: boolean;
}

/**
 * In the page: counts the DOM calls the serializer's edits avoid, and the iframes rrweb inserts,
 * while rrweb takes its first snapshot (synchronously, in record()); events go to `recorded`.
 * JavaScript in a string: Node's TypeScript loader would add helpers the page does not have.
 */
const RECORD_IN_PAGE = `(() => {
  const HOLDS_A_NAME = /rr-block|rr-mask/;
  let attributesRead = 0;
  let childListsCopied = 0;
  const classListsRead = new Set();
  const namesAsked = [];
  const attributes = Object.getOwnPropertyDescriptor(Element.prototype, 'attributes').get;
  Object.defineProperty(Element.prototype, 'attributes', { configurable: true, get() { attributesRead++; return attributes.call(this); } });
  const classList = Object.getOwnPropertyDescriptor(Element.prototype, 'classList').get;
  Object.defineProperty(Element.prototype, 'classList', { configurable: true, get() { classListsRead.add(this); return classList.call(this); } });
  const registryGet = customElements.get.bind(customElements);
  customElements.get = (name) => (namesAsked.push(name), registryGet(name));
  let idObjects = 0;
  const assign = Object.assign;
  Object.assign = function (target, ...sources) {
    if (sources.length === 1 && Object.keys(sources[0] ?? {}).join() === 'id') idObjects++;
    return assign.call(this, target, ...sources);
  };
  const arrayFrom = Array.from;
  Array.from = function (items, ...rest) {
    // A node's own child list, to walk it: rrweb still copies a shadow root's, and a <style>'s to
    // split its CSS among its text nodes.
    const owner = items instanceof NodeList && items[0]?.parentNode;
    if (owner && owner.childNodes === items && !(owner instanceof ShadowRoot) && owner.nodeName !== 'STYLE') childListsCopied++;
    return arrayFrom.call(this, items, ...rest);
  };
  const inserted = new MutationObserver(() => {});
  inserted.observe(document.body, { childList: true });

  window.recorded = [];
  rrwebRecord({
    emit: (event) => window.recorded.push(event),
    maskTextSelector: '[data-mask]',
    maskTextFn: (text) => text.replace(/\\S/g, '*'),
    maskInputOptions: { text: true, password: true, textarea: true, select: true },
    maskInputFn: (value) => '*'.repeat(value.length),
    blockSelector: '.blocked-by-selector',
    inlineStylesheet: true,
    recordCanvas: false,
    collectFonts: false,
    inlineImages: false,
  });
  const classListsReadOf = [...classListsRead];
  const counted = {
    attributesRead,
    idObjects,
    childListsCopied,
    classListsRead: classListsReadOf.length,
    classListsReadWithoutTheNames: classListsReadOf.filter((element) => !HOLDS_A_NAME.test(element.getAttribute('class') ?? '')).length,
    namesAsked: namesAsked.length,
    namesAskedWithoutHyphen: namesAsked.filter((name) => !name.includes('-')).length,
    iframesInserted: inserted.takeRecords().flatMap((m) => [...m.addedNodes]).filter((node) => node.nodeName === 'IFRAME').length,
  };
  inserted.disconnect();

  // The elements of the first snapshot: not those inside a blocked element, nor the iframe's yet.
  const elements = [];
  const collect = (root) => {
    for (const element of root.querySelectorAll('*')) {
      if (rrwebRecord.mirror.getId(element) > 0) elements.push(element);
      if (element.shadowRoot) collect(element.shadowRoot);
    }
  };
  collect(document);
  return {
    ...counted,
    elements: elements.length,
    parents: elements.filter(
      (element) => element.nodeName !== 'STYLE' && [...element.childNodes].some((child) => rrwebRecord.mirror.getId(child) > 0),
    ).length,
    needBlockKept: 'needBlock' in (rrwebRecord.mirror.getMeta(document.querySelector('h1')) ?? {}),
  };
})()`;
