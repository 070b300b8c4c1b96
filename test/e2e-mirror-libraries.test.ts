import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { before, describe, it, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { FrameLocator, Page } from 'playwright-core';
import { updateSiteSettings } from '../server/settings/site-settings.ts';
import { agentJoins, agentView, browserSuite } from './support/cobrowse-pages.ts';
import { differentPixels, sideBySide } from './support/pixels.ts';
import { siteServer, type SiteFile } from './support/site-server.ts';
import { waitFor } from './support/wait-for.ts';

/** The pages, and the entries bundled into their scripts, built from real libraries. */
const FIXTURES = new URL('./fixtures/libraries/', import.meta.url);

/** The customer's viewport; small enough for the agent's view to show it at actual size. */
const VIEWPORT = { width: 800, height: 600 };

/** Per page, at most this share of the viewport's pixels may differ between the customer's screen and the agent's. */
const MAX_DIFFERENT = 0.01;

/** Where each page's last pair of screenshots is saved side by side, to be looked at. */
const SHOTS = 'test-results/libraries';

/** A library's own file, served by the site as it is: no CORS headers, as most sites serve theirs. */
const packageFile = (type: string, path: string): SiteFile => ({
  type,
  body: readFileSync(new URL(`../node_modules/${path}`, import.meta.url)),
});

const LIBRARY_FILES: Record<string, SiteFile> = {
  '/lib/shoelace/light.css': packageFile('text/css', '@shoelace-style/shoelace/dist/themes/light.css'),
  '/lib/material-icons/filled.css': packageFile('text/css', 'material-icons/iconfont/filled.css'),
  '/lib/material-icons/material-icons.woff2': packageFile('font/woff2', 'material-icons/iconfont/material-icons.woff2'),
  '/lib/material-icons/material-icons.woff': packageFile('font/woff', 'material-icons/iconfont/material-icons.woff'),
  '/lib/inter/latin-400.css': packageFile('text/css', '@fontsource/inter/latin-400.css'),
  '/lib/inter/files/inter-latin-400-normal.woff2': packageFile('font/woff2', '@fontsource/inter/files/inter-latin-400-normal.woff2'),
  '/lib/inter/files/inter-latin-400-normal.woff': packageFile('font/woff', '@fontsource/inter/files/inter-latin-400-normal.woff'),
};

/** The scripts bundled from the fixtures' entries, as a site ships them: minified, in production mode. */
const BUNDLES = ['design-system.ts', 'css-in-js.ts', 'chart.ts', 'react-list.tsx'];

async function bundle(entry: string): Promise<SiteFile> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL(entry, FIXTURES))],
    bundle: true,
    minify: true,
    write: false,
    format: 'iife',
    target: 'chrome120',
    jsx: 'automatic',
    // Production builds: React without its checks, Emotion writing rules with insertRule.
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  return { type: 'text/javascript', body: Buffer.from(result.outputFiles[0]!.contents) };
}

/** The widget without its own UI (the site draws its own): nothing of the widget's is on the customer's screen. */
const WIDGET_WITHOUT_UI = `<script>
  window.Cobrowse = { q: [] };
  ['init', 'start'].forEach((m) => (Cobrowse[m] = (...a) => new Promise((y, n) => Cobrowse.q.push([m, a, y, n]))));
  Cobrowse.init({ ui: false });
</script>`;

const fixturePage = (name: string) => WIDGET_WITHOUT_UI + readFileSync(new URL(`${name}.html`, FIXTURES), 'utf8');

describe('the agent sees pages built from widely used libraries as the customer does', () => {
  const suite = browserSuite();
  const site = siteServer(LIBRARY_FILES);
  before(async () => {
    for (const entry of BUNDLES) LIBRARY_FILES[`/lib/${entry.replace(/\.tsx?$/, '.js')}`] = await bundle(entry);
    await mkdir(SHOTS, { recursive: true });
  });

  /**
   * The customer opens a fixture page and, once it says it is ready (`data-ready` on its body),
   * starts co-browse; an agent joins and sees it. The agent leaves when the test ends.
   */
  async function session(t: TestContext, name: string) {
    site.serve({ [`/t/${name}`]: fixturePage(name) }, suite.server.url);
    await updateSiteSettings(suite.server.deps.db, { allowedOrigins: [site.origin] });
    const customer = await suite.newPage(VIEWPORT.width, VIEWPORT.height);
    const agent = await suite.newPage(1440, 1000);
    const scratch = await suite.newPage(100, 100);
    // The chunk that reads Lit components' CSS: asked for only by pages with Lit.
    const litChunkLoads: string[] = [];
    customer.on('request', (request) => request.url().endsWith('/widget-lit-css.js') && litChunkLoads.push(request.url()));
    await customer.goto(`${site.origin}/t/${name}`);
    await customer.locator('body[data-ready]').waitFor({ state: 'attached' });
    const { code } = await customer.evaluate(() =>
      (window as unknown as { Cobrowse: { start(): Promise<{ code: string }> } }).Cobrowse.start(),
    );
    await agentJoins(agent, suite.server.url, code);
    t.after(() => agent.getByTestId('exit-session').click());
    const view = agentView(agent);
    await view.locator('body[data-ready]').waitFor({ state: 'attached' });
    // The agent's mouse away from the view: a hover there would change the mirrored page.
    await agent.mouse.move(0, 0);
    return { customer, agent, view, scratch, litChunkLoads };
  }

  /**
   * Waits until the agent's view of the customer's viewport differs from the customer's own
   * screen in at most 1 % of its pixels; saves the last pair compared, either way.
   */
  async function looksTheSame(t: TestContext, name: string, { customer, agent, scratch }: { customer: Page; agent: Page; scratch: Page }) {
    const frame = (await agent.locator('[data-testid=cobrowse-view] iframe').boundingBox())!;
    let shots: [Buffer, Buffer] | undefined;
    let share = 1;
    try {
      await waitFor(
        async () => {
          shots = [await customer.screenshot(), await agent.screenshot({ clip: { x: frame.x, y: frame.y, ...VIEWPORT } })];
          const { different, total, sameSize } = await differentPixels(scratch, ...shots);
          share = sameSize ? different / total : 1;
          return share <= MAX_DIFFERENT;
        },
        `the agent’s view of ${name} to match the customer’s screen`,
        30_000,
      );
    } finally {
      // The customer's screen on the left, the agent's view on the right.
      if (shots) await writeFile(`${SHOTS}/${name}.png`, await sideBySide(scratch, ...shots));
    }
    t.diagnostic(`${name}: ${(share * 100).toFixed(2)} % of the viewport’s pixels differ`);
  }

  /** Waits until every animation of the document has run to its end (none runs forever on these pages). */
  const animationsOver = (page: Page | FrameLocator, what: string) =>
    waitFor(
      () =>
        page
          .locator('body')
          .evaluate((body) => body.ownerDocument.getAnimations().every((animation) => animation.playState === 'finished')),
      `the animations over ${what}`,
    );

  it('a Shoelace design system: buttons, an alert, an input and an open dialog in shadow roots with adopted stylesheets', async (t) => {
    const pages = await session(t, 'design-system');
    const { customer, view } = pages;
    // The components really are styled by adopted stylesheets, not <style> elements.
    assert.ok(
      await customer
        .locator('sl-button')
        .first()
        .evaluate((button) => button.shadowRoot!.adoptedStyleSheets.length > 0),
      'Shoelace adopted its stylesheets',
    );
    assert.equal(
      await customer
        .locator('sl-button')
        .first()
        .evaluate((button) => button.shadowRoot!.querySelectorAll('style').length),
      0,
    );
    await animationsOver(customer, 'on the customer’s page');
    await animationsOver(view, 'in the agent view');
    await looksTheSame(t, 'design-system', pages);
    assert.equal(pages.litChunkLoads.length, 1, 'the Lit chunk loaded once');
    // A component whose class throws when asked for Lit's styles is recorded all the same.
    assert.equal(await view.locator('x-hostile p').textContent(), 'Prices include VAT.');
  });

  it('CSS-in-JS in production mode: Emotion’s rules only in the CSSOM, also one inserted during the session', async (t) => {
    const pages = await session(t, 'css-in-js');
    const { customer, view } = pages;
    const sheets = () =>
      customer.evaluate(() =>
        Array.from(document.querySelectorAll('style[data-emotion]'), (style) => ({
          text: style.textContent,
          rules: (style as HTMLStyleElement).sheet!.cssRules.length,
        })),
      );
    const before = await sheets();
    assert.ok(before.length > 0 && before.every((sheet) => sheet.text === ''), 'Emotion wrote text into its <style>');
    assert.ok(before.reduce((sum, sheet) => sum + sheet.rules, 0) >= 8, 'Emotion’s rules in the CSSOM');
    await looksTheSame(t, 'css-in-js', pages);

    await customer.evaluate(() => window.dispatchEvent(new Event('cobrowse-late-rule')));
    await view.locator('[data-testid=late]').waitFor();
    assert.ok((await sheets()).every((sheet) => sheet.text === ''));
    await looksTheSame(t, 'css-in-js-late', pages);
    assert.deepEqual(pages.litChunkLoads, [], 'the Lit chunk loaded on a page without Lit');
  });

  it('Chart.js drawing a bar chart and a doughnut into canvases', async (t) => {
    const pages = await session(t, 'chart');
    await looksTheSame(t, 'chart', pages);
  });

  it('a ligature icon font (Material Icons) and a web font (Inter), both served without CORS headers', async (t) => {
    const pages = await session(t, 'fonts');
    const { view } = pages;
    const fontStates = () =>
      view
        .locator('body')
        .evaluate((body) => Array.from(body.ownerDocument.fonts, (face) => `${face.family.replace(/"/g, '')}: ${face.status}`).sort());
    await waitFor(async () => {
      const states = await fontStates();
      return states.includes('Material Icons: loaded') && states.includes('Inter: loaded');
    }, 'the site’s fonts loaded in the agent view');
    await looksTheSame(t, 'fonts', pages);
  });

  it('a toast that fades in once the session runs, and a banner that faded in at load', async (t) => {
    const pages = await session(t, 'notices');
    const { customer, view } = pages;
    await customer.evaluate(() => (window as unknown as { showToast(): void }).showToast());
    await view.locator('[data-testid=toast]').waitFor();
    // Time frozen the same way on both sides: each animation at its end.
    await animationsOver(customer, 'on the customer’s page');
    await animationsOver(view, 'in the agent view');
    await looksTheSame(t, 'notices', pages);

    // The customer's pointer shows for the agent once it has moved, not before at the page's top left.
    const { agent } = pages;
    const customerPointer = agent.locator('[data-testid=cobrowse-view] .replayer-mouse');
    assert.equal(await customerPointer.isVisible(), false, 'the customer’s pointer shown before it moved');
    await customer.mouse.move(300, 200);
    await customerPointer.waitFor({ state: 'visible' });
    const frame = (await agent.locator('[data-testid=cobrowse-view] iframe').boundingBox())!;
    await waitFor(async () => {
      const { x, y } = (await customerPointer.boundingBox())!;
      return Math.abs(x - frame.x - 300) < 2 && Math.abs(y - frame.y - 200) < 2;
    }, 'the customer’s pointer where it is');
  });

  it('a React list of 2,000 rows, scrolled to its middle', async (t) => {
    const pages = await session(t, 'react-list');
    const { customer, view } = pages;
    assert.equal(await view.locator('.orders li').count(), 2000);
    await customer.locator('[data-row="1000"]').evaluate((row) => row.scrollIntoView());
    const scrolled = await customer.evaluate(() => window.scrollY);
    assert.ok(scrolled > 10_000, `scrolled to ${scrolled}`);
    await waitFor(
      async () => (await view.locator('body').evaluate((body) => body.ownerDocument.defaultView!.scrollY)) === scrolled,
      'the agent view scrolled',
    );
    await looksTheSame(t, 'react-list', pages);
  });
});
