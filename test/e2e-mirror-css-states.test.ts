import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it, type TestContext } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { readRecording } from '../server/recording/recording-writer.ts';
import { updateSiteSettings } from '../server/settings/site-settings.ts';
import { signInAs } from './support/browser.ts';
import { agentJoins, agentView, browserSuite, startOnPage } from './support/cobrowse-pages.ts';
import { differentPixels } from './support/pixels.ts';
import { siteServer, type SiteFile } from './support/site-server.ts';
import { waitFor } from './support/wait-for.ts';

/** Pointer and keyboard states, each styled by the page: in a `<style>`, an adopted sheet of the document, a component's shadow root. */
const STATES_PAGE = `
<style>
  body { margin: 0; padding: 24px; font: 16px/1.4 sans-serif; color: #0f172a; background: #fff; }
  .row { display: flex; gap: 16px; align-items: center; margin-bottom: 20px; }
  button { font: inherit; padding: 12px 24px; border-radius: 8px; }
  .cta { border: 2px solid #1e3a8a; background: #dbeafe; color: #1e3a8a; }
  .cta:hover { background: #1e3a8a; color: #fff; }
  .tile { width: 120px; height: 60px; background: #7c3aed; }
  .tile:not(:hover) { opacity: 0.3; }
  .field { font: inherit; padding: 8px; border: 2px solid #94a3b8; border-radius: 6px; width: 260px; }
  .field:focus { outline: none; border-color: #16a34a; box-shadow: 0 0 0 4px #bbf7d0; }
  form { padding: 12px; border: 2px dashed #cbd5e1; }
  form:focus-within { background: #f0fdf4; border-color: #16a34a; }
  a.more { color: #1d4ed8; padding: 4px; }
  a.more:focus { outline: none; }
  a.more:focus-visible { outline: 4px solid #f59e0b; outline-offset: 4px; background: #fef3c7; }
</style>
<h1 data-testid="title">Your plan</h1>
<div class="row">
  <button class="cta" data-testid="cta">Upgrade</button>
  <div class="tile" data-testid="tile"></div>
  <button class="press" data-testid="press">Hold to confirm</button>
</div>
<form class="row" onsubmit="return false"><input class="field" data-testid="email" placeholder="Email"></form>
<div class="row"><a class="more" href="#more" data-testid="more">More about plans</a> <x-chip data-testid="chip"></x-chip> <button data-testid="plain">Details</button></div>
<p data-testid="empty" style="height: 120px">&nbsp;</p>
<!--widget-->
<script>
  const sheet = new CSSStyleSheet();
  sheet.replaceSync('.press { border: 2px solid #b91c1c; background: #fee2e2; color: #b91c1c; } .press:active { background: #b91c1c; color: #fff; }');
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  customElements.define('x-chip', class extends HTMLElement {
    constructor() {
      super();
      this.attachShadow({ mode: 'open' }).innerHTML =
        '<style>button { font: inherit; padding: 6px 14px; border: 2px solid #0f766e; background: #ccfbf1; border-radius: 999px; } button:hover { background: #0f766e; color: #fff; } button:focus-visible { outline: 3px solid #0f766e; outline-offset: 2px; }</style><button data-testid="chip-button">Compare</button>';
    }
  });
</script>`;

const css = (text: string): SiteFile => ({ type: 'text/css', body: Buffer.from(text) });

/** The site's stylesheets and a font, served from its own origin. */
const SITE_FILES: Record<string, SiteFile> = {
  // Imported into a layer that the page's own layer overrides.
  '/css/base.css': css('.imported { background: #dc2626; color: #fff; padding: 8px; }'),
  // Imported for print only: on screen it hides nothing.
  '/css/print.css': css('.screen-only { display: none; }'),
  '/fonts/mono.woff2': {
    type: 'font/woff2',
    body: readFileSync(new URL('../node_modules/next/dist/next-devtools/server/font/geist-mono-latin.woff2', import.meta.url)),
  },
};

/** Modern CSS, each feature drawing something the others do not. */
const MODERN_CSS_PAGE = `
<style>
  @import url('/css/base.css') layer(base);
  @import url('/css/print.css') print;
  @layer base, theme;
  @layer theme { .imported { background: #16a34a; } }
  body { margin: 0; padding: 20px; font: 16px/1.4 sans-serif; }
  .nest { border: 3px solid #334155; padding: 8px; margin: 8px 0;
    & .child { color: #b45309; font-weight: 700; }
    &.wide { border-color: #7c3aed; }
  }
  .box { container-type: inline-size; width: 420px; margin: 8px 0; }
  .cq { padding: 8px; background: #e2e8f0; }
  @container (min-width: 400px) { .cq { background: #0ea5e9; color: #fff; } }
  .themed { padding: 8px; background: #f1f5f9; color: #0f172a; }
  @media (prefers-color-scheme: dark) { .themed { background: #0f172a; color: #f8fafc; } }
  @media (prefers-reduced-motion: reduce) { .themed { border-left: 12px solid #f59e0b; } }
  .pointer-note::after { content: ' (touch)'; }
  @media (hover: hover) { .pointer-note::after { content: ' (mouse)'; } }
</style>
<h1 data-testid="title">Modern CSS</h1>
<div class="imported" data-testid="imported">Imported into a layer</div>
<p class="screen-only" data-testid="screen-only">Shown on screen</p>
<div class="nest wide" data-testid="nest">Nested <span class="child">rules</span></div>
<div class="box"><div class="cq" data-testid="cq">Container query</div></div>
<div class="themed" data-testid="themed">Colour scheme</div>
<p class="pointer-note" data-testid="pointer">Pointer</p>
<p class="adopted" data-testid="adopted">Order 4711 shipped</p>
<!--widget-->
<script>
  const sheet = new CSSStyleSheet();
  sheet.replaceSync("@font-face { font-family: 'Adopted Mono'; src: url('/fonts/mono.woff2') format('woff2'); } .adopted { font: 28px 'Adopted Mono', serif; color: #9333ea; }");
  document.adoptedStyleSheets = [sheet];
</script>`;

/** Styles that depend on the customer's browser settings. */
const MEDIA_PAGE = `
<style>
  body { margin: 0; padding: 20px; font: 16px/1.4 sans-serif; }
  .themed { padding: 8px; background: #f1f5f9; color: #0f172a; }
  @media screen and (prefers-color-scheme: dark) { .themed { background: #0f172a; color: #f8fafc; } }
  @media (prefers-reduced-motion: reduce) { .themed { border-left: 12px solid #f59e0b; } }
</style>
<h1 data-testid="title">Settings</h1>
<div class="themed" data-testid="themed">Colour scheme</div>`;

/**
 * What the comparison leaves out: the widget (drawn on the customer's page only) and the
 * customer's pointer that the agent's view draws over the page.
 */
const HIDE_WIDGET = '#cobrowse-widget-root, .replayer-mouse { visibility: hidden !important; }';

describe('the agent sees the customer’s pointer and keyboard states as the page styles them', () => {
  const suite = browserSuite();
  const site = siteServer(SITE_FILES);

  /**
   * The customer opens a page of the site and starts co-browse; an agent joins and sees its
   * title. The agent leaves when the test ends, passed or not, so the next can join.
   */
  async function session(t: TestContext, path: string, body: string, prepare?: (customer: Page) => Promise<unknown>) {
    site.serve({ [path]: body }, suite.server.url);
    await updateSiteSettings(suite.server.deps.db, { allowedOrigins: [site.origin] });
    // Small enough for the agent's view to show it at actual size (no scaling): pixels compare.
    const customer = await suite.newPage(800, 600);
    const agent = await suite.newPage(1440, 1000);
    await prepare?.(customer);
    await customer.goto(`${site.origin}${path}`);
    const code = await startOnPage(customer);
    await agentJoins(agent, suite.server.url, code);
    t.after(() => agent.getByTestId('exit-session').click());
    const view = agentView(agent);
    await waitFor(() => view.getByTestId('title').count(), 'the page in the agent view');
    const scratch = await suite.newPage(100, 100);
    const iframe = agent.locator('[data-testid=cobrowse-view] iframe');

    /** The customer's viewport, or one element's box on it, and the same region of the agent's view. */
    async function shots(testId?: string): Promise<[Buffer, Buffer]> {
      const box = testId ? (await customer.getByTestId(testId).boundingBox())! : { x: 0, y: 0, width: 800, height: 600 };
      // Whole pixels, a little around the element (a ring, a shadow): both pages place the same page on the pixel grid.
      const [x, y] = [Math.max(0, Math.floor(box.x) - 8), Math.max(0, Math.floor(box.y) - 8)];
      const region = { x, y, width: Math.min(800 - x, Math.ceil(box.width) + 16), height: Math.min(600 - y, Math.ceil(box.height) + 16) };
      const frame = (await iframe.boundingBox())!;
      // The view is shown at actual size: the same region, moved by where the iframe sits.
      return [
        await customer.screenshot({ clip: region, style: HIDE_WIDGET }),
        await agent.screenshot({ clip: { ...region, x: x + Math.round(frame.x), y: y + Math.round(frame.y) }, style: HIDE_WIDGET }),
      ];
    }
    /** The share of pixels that differ between the customer's region and the agent's. */
    async function difference(testId?: string): Promise<number> {
      const diff = await differentPixels(scratch, ...(await shots(testId)));
      assert.ok(diff.sameSize, 'the regions differ in size');
      return diff.different / diff.total;
    }
    /**
     * Waits until the agent's view looks as the customer's page does (the whole viewport and
     * the element): at least 99 % of the viewport's pixels, 99.8 % of the element's, the same.
     */
    async function looksTheSame(testId: string, what: string) {
      await waitFor(async () => (await difference()) <= 0.01 && (await difference(testId)) <= 0.002, `the agent’s view to show ${what}`);
    }
    return { customer, agent, view, shots, difference, looksTheSame, scratch };
  }

  /** A computed style property of the element a locator finds, in whichever document holds it. */
  const computed = (locator: Locator, property: string) =>
    locator.evaluate((element, name) => getComputedStyle(element).getPropertyValue(name), property);

  /** Waits for the customer's page itself to show a style (so the state is really on). */
  const customerShows = (page: Page, testId: string, property: string, value: string) =>
    waitFor(
      async () => (await computed(page.getByTestId(testId), property)) === value,
      `${testId} with ${property} ${value} for the customer`,
    );

  it('shows hover, press, focus and keyboard focus as the customer has them, and takes them away when they end', async (t) => {
    const { customer, view, shots, looksTheSame, scratch } = await session(t, '/t/states', STATES_PAGE);
    await looksTheSame('cta', 'the page at rest');
    const [atRest] = await shots('cta');

    // Hover: the button turns dark; the tile next to it, hovered by nothing, stays faded.
    await customer.getByTestId('cta').hover();
    await customerShows(customer, 'cta', 'background-color', 'rgb(30, 58, 138)');
    // The comparison sees the hover: the hovered button against the one at rest.
    const hovered = await differentPixels(scratch, (await shots('cta'))[0], atRest);
    assert.ok(hovered.different > hovered.total * 0.2, `the hover changed only ${hovered.different} pixels`);
    await looksTheSame('cta', 'the hovered button');
    await customer.getByTestId('tile').hover();
    await customerShows(customer, 'tile', 'opacity', '1');
    await looksTheSame('tile', 'the hovered tile');
    assert.equal(await computed(view.getByTestId('cta'), 'background-color'), 'rgb(219, 234, 254)', 'the button still hovered');

    // Press: the button of an adopted stylesheet turns red while the mouse button is down.
    await customer.getByTestId('press').hover();
    await customer.mouse.down();
    await customerShows(customer, 'press', 'background-color', 'rgb(185, 28, 28)');
    await looksTheSame('press', 'the pressed button');
    await customer.mouse.up();
    await customerShows(customer, 'press', 'background-color', 'rgb(254, 226, 226)');
    await looksTheSame('press', 'the button let go');

    // Focus: the field and its form, clicked into.
    await customer.getByTestId('email').click();
    await customerShows(customer, 'email', 'border-top-color', 'rgb(22, 163, 74)');
    await customer.mouse.move(600, 500); // nothing hovered: only the focus shows
    await looksTheSame('email', 'the focused field');

    // Keyboard focus: a link reached with Tab shows its ring; then the component's button inside a shadow root.
    await customer.keyboard.press('Tab');
    await customerShows(customer, 'more', 'outline-style', 'solid');
    await looksTheSame('more', 'the link focused from the keyboard');
    await customer.keyboard.press('Tab');
    await waitFor(
      () => customer.getByTestId('chip-button').evaluate((button) => button.matches(':focus-visible')),
      'the component’s button focused',
    );
    await looksTheSame('chip', 'the component’s button focused from the keyboard');

    // A button the page gives no focus style: the browser's own ring, for the agent too.
    await customer.keyboard.press('Tab');
    await waitFor(() => customer.getByTestId('plain').evaluate((button) => button.matches(':focus-visible')), 'the plain button focused');
    await looksTheSame('plain', 'the browser’s focus ring');

    // A click elsewhere: nothing is focused any more, for the agent too.
    await customer.getByTestId('empty').click();
    await customerShows(customer, 'email', 'border-top-color', 'rgb(148, 163, 184)');
    await looksTheSame('chip', 'nothing focused');
    assert.equal(await view.locator('.\\:focus, .\\:focus-visible, .\\:focus-within').count(), 0);

    // The pointer leaves the page: nothing is hovered any more.
    await customer.getByTestId('cta').hover();
    await looksTheSame('cta', 'the hovered button again');
    await customer.mouse.move(400, 700);
    await customerShows(customer, 'cta', 'background-color', 'rgb(219, 234, 254)');
    await looksTheSame('cta', 'nothing hovered');
  });

  it('draws imports, layers, nesting, container queries, adopted sheets and their fonts as the customer’s browser does', async (t) => {
    const { customer, looksTheSame } = await session(t, '/t/modern-css', MODERN_CSS_PAGE);
    await waitFor(() => customer.evaluate(() => document.fonts.check("28px 'Adopted Mono'")), 'the adopted sheet’s font for the customer');
    await customerShows(customer, 'imported', 'background-color', 'rgb(22, 163, 74)');
    for (const testId of ['nest', 'cq', 'themed', 'pointer', 'adopted', 'imported', 'screen-only']) await looksTheSame(testId, testId);
  });

  it('evaluates the colour scheme and pointer media queries as the customer’s browser does', async (t) => {
    const { customer, looksTheSame } = await session(t, '/t/customer-media', MEDIA_PAGE, (page) =>
      page.emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' }),
    );
    await customerShows(customer, 'themed', 'background-color', 'rgb(15, 23, 42)');
    await looksTheSame('themed', 'the dark colour scheme, with reduced motion');
    // The customer turns dark mode off: the agent's view follows.
    await customer.emulateMedia({ colorScheme: 'light', reducedMotion: 'reduce' });
    await customerShows(customer, 'themed', 'background-color', 'rgb(241, 245, 249)');
    await looksTheSame('themed', 'the light colour scheme');
  });

  it('replays a recording with the customer’s focus and keyboard focus as they were, played or sought', async (t) => {
    await updateSiteSettings(suite.server.deps.db, { recordingEnabled: true });
    t.after(() => updateSiteSettings(suite.server.deps.db, { recordingEnabled: false }));
    const { customer, view } = await session(t, '/t/states-recorded', STATES_PAGE);
    await customer.getByTestId('email').click();
    await customer.keyboard.press('Tab');
    await customerShows(customer, 'more', 'outline-style', 'solid');
    await waitFor(async () => (await computed(view.getByTestId('more'), 'outline-style')) === 'solid', 'the ring in the agent view');
    const { db, recordings } = suite.server.deps;
    const { id } = await db.session.findFirstOrThrow({ orderBy: { createdAt: 'desc' } });
    await waitFor(async () => {
      await recordings.flush(id);
      return JSON.stringify(await readRecording(db, id)).includes('"focusVisible":true');
    }, 'the keyboard focus to be recorded');

    // What was sent of the states: rrweb ids and whether focus shows, nothing else.
    const sent = JSON.stringify(await readRecording(db, id));
    const payloads = [...sent.matchAll(/"tag":"cobrowse-pointer-states","payload":(\{[^}]*\})/g)].map(([, payload]) =>
      JSON.parse(payload!),
    );
    assert.ok(payloads.length > 1);
    for (const payload of payloads) {
      assert.deepEqual(Object.keys(payload).sort(), ['active', 'focus', 'focusVisible', 'hover']);
      assert.ok([payload.hover, payload.active, payload.focus].every(Number.isSafeInteger) && typeof payload.focusVisible === 'boolean');
    }

    const supervisor = await suite.newPage(1440, 1000);
    const replay = supervisor.frameLocator('[data-testid=replay-view] iframe');
    const asTheCustomerHadIt = async (how: string) => {
      await waitFor(async () => (await computed(replay.getByTestId('more'), 'outline-style')) === 'solid', `the link’s ring ${how}`);
      assert.equal(await computed(replay.getByTestId('email'), 'border-top-color'), 'rgb(148, 163, 184)', `the field still focused ${how}`);
    };
    // Played to its end, event by event.
    await signInAs(supervisor, suite.server.url, 'supervisor@example.com', `/supervisor/replay?session=${id}`);
    await replay.getByTestId('title').waitFor();
    assert.equal(await computed(replay.getByTestId('more'), 'outline-style'), 'none', 'a ring before the customer tabbed');
    await supervisor.getByTestId('replay-play').click();
    await asTheCustomerHadIt('played');
    // Sought straight to the end: the page is built off the document and written in at once.
    await signInAs(supervisor, suite.server.url, 'supervisor@example.com', `/supervisor/replay?session=${id}`);
    await replay.getByTestId('title').waitFor();
    await supervisor.getByTestId('replay-seek').focus();
    await supervisor.getByTestId('replay-seek').press('End');
    await asTheCustomerHadIt('sought');
  });
});
