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

/** Twenty seconds of silence (8 kHz, 8-bit mono WAV): media the customer can play and seek. */
function silentWav(seconds: number): Buffer {
  const samples = 8000 * seconds;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + samples, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(8000, 28);
  header.writeUInt16LE(1, 32);
  header.writeUInt16LE(8, 34);
  header.write('data', 36);
  header.writeUInt32LE(samples, 40);
  return Buffer.concat([header, Buffer.alloc(samples, 128)]);
}

/**
 * Font files the site serves without CORS headers, as most sites do: a text font and an icon font
 * (both shipped in packages the tests install anyway).
 */
const SITE_FONTS: Record<string, SiteFile> = {
  '/fonts/mono.woff2': {
    type: 'font/woff2',
    body: readFileSync(new URL('../node_modules/next/dist/next-devtools/server/font/geist-mono-latin.woff2', import.meta.url)),
  },
  '/fonts/icons.ttf': {
    type: 'font/ttf',
    body: readFileSync(new URL('../node_modules/playwright-core/lib/vite/recorder/assets/codicon-DCmgc-ay.ttf', import.meta.url)),
  },
};

const MOTION_PAGE = `
<style>
  @keyframes fade-in { from { opacity: 0; } to { opacity: 1; } }
  .badge { display: inline-block; opacity: 0; animation: fade-in 300ms ease-out forwards; }
  .toast { opacity: 0; transition: opacity 300ms; }
  .toast.shown { opacity: 1; }
</style>
<h1 data-testid="title">Your draft</h1>
<button data-testid="save" onclick="document.querySelector('#status').innerHTML = '<span class=badge data-testid=badge>Draft saved</span>'; document.querySelector('#toast').classList.add('shown')">Save</button>
<p id="status"></p>
<p id="toast" class="toast" data-testid="toast">Saved to your account</p>`;

const MEDIA_PAGE = `
<h1 data-testid="title">Your voicemail</h1>
<audio data-testid="tone" src="/tone.wav" preload="auto"></audio>
<button data-testid="play" onclick="const tone = document.querySelector('audio'); tone.currentTime = 4; tone.play()">Play</button>
<button data-testid="pause" onclick="document.querySelector('audio').pause()">Pause</button>
<button data-testid="seek" onclick="document.querySelector('audio').currentTime = 12">Seek</button>`;

const TOP_LAYER_PAGE = `
<style>
  body { font: 16px/1.4 sans-serif; margin: 0; padding: 20px; }
  dialog { border: 2px solid #334155; border-radius: 8px; padding: 20px; }
  dialog button { font: inherit; padding: 6px 14px; }
  [popover] { border: 1px solid #334155; padding: 10px; }
</style>
<h1 data-testid="title">Drafts</h1>
<button data-testid="tip-toggle" popovertarget="tip">Tip</button>
<div popover id="tip" data-testid="tip">Drafts are kept for 30 days.</div>
<button data-testid="open" onclick="document.querySelector('dialog').showModal()">Delete…</button>
<dialog data-testid="dialog"><p>Delete this draft?</p><button data-testid="confirm">Delete</button> <button>Cancel</button></dialog>`;

const FONTS_PAGE = `
<style>
  @font-face { font-family: 'Site Mono'; src: url('/fonts/mono.woff2') format('woff2'); }
  @font-face { font-family: 'Site Icons'; src: url('/fonts/icons.ttf') format('truetype'); }
  body { margin: 0; padding: 20px; }
  h1 { font: 32px 'Site Mono', serif; margin: 0 0 12px; }
  .icons { font: 32px 'Site Icons'; letter-spacing: 8px; }
</style>
<h1 data-testid="title">Order 4711 shipped</h1>
<div class="icons" data-testid="icons">&#xEA60;&#xEB06;&#xEA76;</div>`;

/** A popover the customer keeps open (manual: a click elsewhere does not close it) under a modal dialog. */
const RECORDED_TOP_LAYER_PAGE = TOP_LAYER_PAGE.replace('<div popover id="tip"', '<div popover="manual" id="tip"');

/** Longhands after a var() shorthand: Chromium's CSSOM serializes the shorthand's longhands empty. */
const LOSSY_RULES = '.box { padding: 8px; border: solid var(--w) var(--c); border-top-color: rgb(255, 0, 0); }';
/**
 * The rules in the page's <style>, in a component's shadow root <style>, and in a stylesheet a
 * component adopts, built after the widget loaded (which remembers such a sheet's text from then).
 */
const STYLES_PAGE = `
<style>:root { --w: 4px; --c: rgb(0, 0, 255); } .page-box { margin: var(--w) 0; margin-left: 6px; }</style>
<h1 data-testid="title">Payment</h1>
<div class="page-box" data-testid="page-box">In the page</div>
<x-alert data-testid="alert"></x-alert>
<x-card data-testid="card"></x-card>
<p data-testid="below">Below the components</p>
<script>
  customElements.define('x-alert', class extends HTMLElement {
    constructor() {
      super();
      this.attachShadow({ mode: 'open' }).innerHTML = '<style>:host { display: block; } ${LOSSY_RULES}</style><div class="box">Check your card details</div>';
    }
  });
</script>
<!--widget-->
<script>
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(':host { display: block; } ${LOSSY_RULES}');
  customElements.define('x-card', class extends HTMLElement {
    constructor() {
      super();
      const root = this.attachShadow({ mode: 'open' });
      root.adoptedStyleSheets = [sheet];
      root.innerHTML = '<div class="box">Card on file</div>';
    }
  });
</script>`;

/** A computed style property of the element a locator finds, in whichever document holds it. */
const computed = (locator: Locator, property: string) =>
  locator.evaluate((element, name) => getComputedStyle(element).getPropertyValue(name), property);

describe('the agent sees the customer’s page as it looks: motion, the top layer, CSS', () => {
  const suite = browserSuite();
  const site = siteServer({ '/tone.wav': { type: 'audio/wav', body: silentWav(20) }, ...SITE_FONTS });
  /** Another site, without the widget, whose page the customer's site frames. */
  const partner = siteServer();

  /**
   * The customer opens a page of the site and starts co-browse (then does `beforeJoin`); an agent
   * joins and sees its title. The agent leaves when the test ends, passed or not, so the next can join.
   */
  async function session(t: TestContext, path: string, body: string, beforeJoin?: (customer: Page) => Promise<unknown>) {
    site.serve({ [path]: body }, suite.server.url);
    await updateSiteSettings(suite.server.deps.db, { allowedOrigins: [site.origin] });
    // Small enough for the agent's view to show it at actual size (no scaling): pixels compare.
    const customer = await suite.newPage(800, 600);
    const agent = await suite.newPage(1440, 1000);
    await customer.goto(`${site.origin}${path}`);
    await customer.getByTestId('cobrowse-start').click();
    const code = await waitFor(
      async () => (await customer.getByTestId('cobrowse-session-id').textContent())?.replace(/\D/g, ''),
      'the session ID',
    );
    await beforeJoin?.(customer);
    await agentJoins(agent, suite.server.url, code);
    t.after(() => agent.getByTestId('exit-session').click());
    const view = agentView(agent);
    await waitFor(() => view.getByTestId('title').count(), 'the page in the agent view');
    return { customer, agent, view };
  }

  it('runs CSS animations and transitions as the customer’s page does', async (t) => {
    const { customer, view } = await session(t, '/t/motion', MOTION_PAGE);
    // A badge fading in by a CSS animation, a toast by a transition: both end visible for the agent.
    await customer.getByTestId('save').click();
    await waitFor(async () => (await computed(customer.getByTestId('badge'), 'opacity')) === '1', 'the badge on the customer’s page');
    await waitFor(() => view.getByTestId('badge').count(), 'the badge in the agent view');
    await waitFor(async () => (await computed(view.getByTestId('badge'), 'opacity')) === '1', 'the badge faded in for the agent');
    await waitFor(async () => (await computed(view.getByTestId('toast'), 'opacity')) === '1', 'the toast shown to the agent');
  });

  it('plays, pauses and seeks media as the customer does, also for an agent who joins while it plays', async (t) => {
    const media = (page: Page | ReturnType<typeof agentView>) =>
      page.getByTestId('tone').evaluate((audio: HTMLAudioElement) => ({ paused: audio.paused, time: audio.currentTime }));
    /** Both play, at most `slack` seconds apart (read one after the other). */
    const inStep = async (view: ReturnType<typeof agentView>, customer: Page, slack: number) => {
      const [mirrored, original] = [await media(view), await media(customer)];
      return !mirrored.paused && !original.paused && Math.abs(mirrored.time - original.time) < slack;
    };

    // Playing from 4 s since before the agent came: the agent hears it where the customer is.
    const { customer, view } = await session(t, '/t/media', MEDIA_PAGE, async (page) => {
      await page.getByTestId('play').click();
      await waitFor(async () => (await media(page)).time > 6.5, 'the customer’s audio past 6.5 s');
    });
    await waitFor(() => inStep(view, customer, 0.75), 'the agent’s audio playing along');

    // Paused, the agent's copy stops where the customer's did; moved to 12 s, it moves there.
    await customer.getByTestId('pause').click();
    const pausedAt = (await media(customer)).time;
    await waitFor(async () => {
      const mirrored = await media(view);
      return mirrored.paused && Math.abs(mirrored.time - pausedAt) < 0.1;
    }, 'the agent’s audio paused where the customer’s is');
    await customer.getByTestId('seek').click();
    await waitFor(async () => {
      const mirrored = await media(view);
      return mirrored.paused && Math.abs(mirrored.time - 12) < 0.1;
    }, 'the agent’s audio at 12 s');
    await customer.getByTestId('play').click();
    await waitFor(() => inStep(view, customer, 0.75), 'the agent’s audio playing from 4 s again');
  });

  it('shows a popover and a modal dialog as the customer has them, with a focus ring only when the customer has one', async (t) => {
    const { customer, agent, view } = await session(t, '/t/top-layer', TOP_LAYER_PAGE);
    const scratch = await suite.newPage(100, 100);
    const iframe = agent.locator('[data-testid=cobrowse-view] iframe');

    /** An element's box on the customer's page, and the same region of the agent's view, as screenshots. */
    async function bothShots(testId: string): Promise<[Buffer, Buffer]> {
      const region = (await customer.getByTestId(testId).boundingBox())!;
      const frame = (await iframe.boundingBox())!;
      // The view is shown at actual size: the same region, moved by where the iframe sits.
      return [
        await customer.screenshot({ clip: region }),
        await agent.screenshot({ clip: { ...region, x: region.x + frame.x, y: region.y + frame.y } }),
      ];
    }
    const size = async (locator: Locator) => {
      const box = await locator.boundingBox();
      return box && { width: box.width, height: box.height };
    };

    // A popover (the top layer, no attribute of its own says it is open) shows for the agent too.
    await customer.getByTestId('tip-toggle').click();
    await waitFor(() => customer.getByTestId('tip').evaluate((tip) => tip.matches(':popover-open')), 'the popover open');
    await waitFor(() => view.getByTestId('tip').evaluate((tip) => tip.matches(':popover-open')), 'the popover open in the agent view');
    assert.deepEqual(await size(view.getByTestId('tip')), await size(customer.getByTestId('tip')));
    await customer.keyboard.press('Escape');
    await waitFor(
      () => view.getByTestId('tip').evaluate((tip) => !tip.matches(':popover-open') && getComputedStyle(tip).display === 'none'),
      'the popover closed in the agent view',
    );

    // The agent is working in their own page: the customer's dialog must not take their focus.
    await agent.getByTestId('viewport-actual').focus();

    // The customer opens the dialog with the mouse: its first button has focus, without a ring.
    await customer.getByTestId('open').click();
    await waitFor(() => customer.getByTestId('dialog').evaluate((dialog: HTMLDialogElement) => dialog.matches(':modal')), 'the modal');
    assert.equal(await computed(customer.getByTestId('confirm'), 'outline-style'), 'none');
    await waitFor(
      () => view.getByTestId('dialog').evaluate((dialog: HTMLDialogElement) => dialog.matches(':modal')),
      'the modal in the agent view',
    );
    assert.equal(await computed(view.getByTestId('confirm'), 'outline-style'), 'none', 'a focus ring in the agent view');
    assert.equal(
      await computed(view.getByTestId('dialog'), 'outline-style'),
      await computed(customer.getByTestId('dialog'), 'outline-style'),
    );
    assert.equal(
      await agent.evaluate(() => document.activeElement?.getAttribute('data-testid')),
      'viewport-actual',
      'the agent lost focus',
    );

    // Pixel for pixel, the dialog looks the same in both.
    const [customerShot, agentShot] = await bothShots('dialog');
    const dialogDiff = await differentPixels(scratch, customerShot, agentShot);
    assert.ok(dialogDiff.sameSize);
    assert.ok(dialogDiff.different <= dialogDiff.total * 0.002, `${dialogDiff.different} of ${dialogDiff.total} pixels differ`);
    // The comparison sees a ring when there is one: the customer's own, from the keyboard, which
    // the agent's view then shows too.
    await customer.keyboard.press('Tab');
    await customer.keyboard.press('Shift+Tab');
    assert.notEqual(await computed(customer.getByTestId('confirm'), 'outline-style'), 'none');
    const [ringShot] = await bothShots('dialog');
    const ringDiff = await differentPixels(scratch, ringShot, agentShot);
    assert.ok(ringDiff.different > dialogDiff.different + 50, `the ring changed only ${ringDiff.different} pixels`);
    await waitFor(async () => {
      const ringed = await differentPixels(scratch, ...(await bothShots('dialog')));
      return ringed.sameSize && ringed.different <= ringed.total * 0.002;
    }, 'the keyboard focus ring in the agent view');
    assert.equal(
      await agent.evaluate(() => document.activeElement?.getAttribute('data-testid')),
      'viewport-actual',
      'the agent lost focus to the ring',
    );
  });

  it('replays a recording with the popover and the modal dialog as the customer had them, nothing focused', async (t) => {
    await updateSiteSettings(suite.server.deps.db, { recordingEnabled: true });
    t.after(() => updateSiteSettings(suite.server.deps.db, { recordingEnabled: false }));
    const { customer, view } = await session(t, '/t/top-layer-recorded', RECORDED_TOP_LAYER_PAGE);
    await customer.getByTestId('tip-toggle').click();
    await waitFor(() => view.getByTestId('tip').evaluate((tip) => tip.matches(':popover-open')), 'the popover open in the agent view');
    await customer.getByTestId('open').click();
    await waitFor(
      () => view.getByTestId('dialog').evaluate((dialog: HTMLDialogElement) => dialog.matches(':modal')),
      'the modal in the agent view',
    );
    const { db, recordings } = suite.server.deps;
    const { id } = await db.session.findFirstOrThrow({ orderBy: { createdAt: 'desc' } });
    await waitFor(async () => {
      await recordings.flush(id);
      return JSON.stringify(await readRecording(db, id)).includes('rr_open_mode');
    }, 'the open dialog to be recorded');

    const supervisor = await suite.newPage(1440, 1000);
    const replay = supervisor.frameLocator('[data-testid=replay-view] iframe');
    /** The recording opened afresh: its first frame, before the customer opened anything. */
    const openRecording = async () => {
      await signInAs(supervisor, suite.server.url, 'supervisor@example.com', `/supervisor/replay?session=${id}`);
      await replay.getByTestId('title').waitFor();
      assert.equal(await replay.getByTestId('tip').evaluate((tip) => tip.matches(':popover-open')), false);
      assert.equal(await replay.getByTestId('dialog').evaluate((dialog: HTMLDialogElement) => dialog.open), false);
    };
    const topLayerAsTheCustomerHadIt = async (how: string) => {
      await waitFor(
        () => replay.getByTestId('tip').evaluate((tip) => tip.matches(':popover-open')),
        `the popover open in the replay ${how}`,
      );
      await waitFor(
        () => replay.getByTestId('dialog').evaluate((dialog: HTMLDialogElement) => dialog.matches(':modal')),
        `the modal in the replay ${how}`,
      );
      assert.equal(await computed(replay.getByTestId('confirm'), 'outline-style'), 'none', 'a focus ring in the replay');
      assert.equal(await replay.getByTestId('confirm').evaluate((button) => button.ownerDocument.activeElement === button), false);
    };
    // Played to its end, event by event.
    await openRecording();
    await supervisor.getByTestId('replay-play').click();
    await topLayerAsTheCustomerHadIt('played');
    // Sought straight to the end: the page is built off the document and written in at once.
    await openRecording();
    await supervisor.getByTestId('replay-seek').focus();
    await supervisor.getByTestId('replay-seek').press('End');
    await topLayerAsTheCustomerHadIt('sought');
  });

  it('draws the site’s fonts served without CORS, sent by the customer’s browser, only while the admin allows it', async () => {
    const { db } = suite.server.deps;
    /** The page's two web fonts as a document has them: loaded, or failed (fetched, unusable). */
    const fontStates = (locator: Locator) =>
      locator.evaluate((element) =>
        Array.from(element.ownerDocument.fonts, (face) => `${face.family.replace(/"/g, '')}: ${face.status}`)
          .filter((state) => state.startsWith('Site '))
          .sort(),
      );
    /** Waits for the fonts to be loaded (or, `failing`, to have failed). */
    const settledFonts = async (locator: Locator, what: string, failing = false) => {
      await waitFor(async () => {
        const states = await fontStates(locator);
        return states.length === 2 && states.every((state) => state.endsWith(failing ? ': error' : ': loaded'));
      }, what);
      return fontStates(locator);
    };
    /**
     * A customer on the fonts page starts co-browse and the agent joins; `traffic` lists what the
     * customer's browser asks the server for fonts: the chunk that sends them, and the files.
     */
    const fontSession = async (path: string) => {
      site.serve({ [path]: FONTS_PAGE }, suite.server.url);
      const customer = await suite.newPage(800, 600);
      const traffic: string[] = [];
      customer.on('request', (request) => {
        const { pathname } = new URL(request.url());
        if (pathname === '/widget-assets.js' || pathname.startsWith('/api/assets/')) traffic.push(`${request.method()} ${pathname}`);
      });
      const agent = await suite.newPage(1440, 1000);
      await customer.goto(`${site.origin}${path}`);
      await agentJoins(agent, suite.server.url, await startOnPage(customer));
      const view = agentView(agent);
      await view.getByTestId('title').waitFor();
      return { customer, agent, view, traffic };
    };
    await updateSiteSettings(db, { allowedOrigins: [site.origin] });

    // Switched off: the agent's browser cannot fetch the fonts (no CORS header), and nothing is sent.
    await updateSiteSettings(db, { captureAssets: false });
    const off = await fontSession('/t/fonts-off');
    try {
      assert.deepEqual(await settledFonts(off.customer.getByTestId('title'), 'the customer’s fonts'), [
        'Site Icons: loaded',
        'Site Mono: loaded',
      ]);
      assert.deepEqual(await settledFonts(off.view.getByTestId('title'), 'the agent’s fonts to fail', true), [
        'Site Icons: error',
        'Site Mono: error',
      ]);
      // A change made after the snapshot reaches the agent: the chunk would have been asked for before it.
      await off.customer.evaluate(() => document.body.insertAdjacentHTML('beforeend', '<p data-testid="marker">later</p>'));
      await off.view.getByTestId('marker').waitFor();
      assert.deepEqual(off.traffic, []);
      assert.equal(await db.siteAsset.count(), 0);
    } finally {
      await updateSiteSettings(db, { captureAssets: true });
      await off.agent.getByTestId('exit-session').click();
    }

    // Switched on: the customer's browser sends both files; the agent's view draws them from this server.
    const on = await fontSession('/t/fonts-on');
    try {
      assert.deepEqual(await settledFonts(on.view.getByTestId('title'), 'the agent’s fonts'), ['Site Icons: loaded', 'Site Mono: loaded']);
      assert.deepEqual(on.traffic.filter((line) => line.startsWith('PUT')).length, 2, on.traffic.join(', '));
      const kept = await db.siteAsset.findMany({ select: { siteOrigin: true, size: true } });
      assert.deepEqual(
        kept.map((asset) => `${asset.siteOrigin} ${asset.size}`).sort(),
        [
          `${site.origin} ${SITE_FONTS['/fonts/icons.ttf']!.body.length}`,
          `${site.origin} ${SITE_FONTS['/fonts/mono.woff2']!.body.length}`,
        ].sort(),
      );
      // Pixel for pixel, the heading and the icons look as the customer sees them.
      const scratch = await suite.newPage(100, 100);
      const frame = (await on.agent.locator('[data-testid=cobrowse-view] iframe').boundingBox())!;
      for (const testId of ['title', 'icons']) {
        const region = (await on.customer.getByTestId(testId).boundingBox())!;
        const diff = await differentPixels(
          scratch,
          await on.customer.screenshot({ clip: region }),
          await on.agent.screenshot({ clip: { ...region, x: region.x + frame.x, y: region.y + frame.y } }),
        );
        assert.ok(diff.sameSize && diff.different <= diff.total * 0.002, `${testId}: ${diff.different} of ${diff.total} pixels differ`);
      }
    } finally {
      await on.agent.getByTestId('exit-session').click();
    }

    // The site's next session sends no file again: the server has them both.
    const again = await fontSession('/t/fonts-again');
    try {
      assert.deepEqual(await settledFonts(again.view.getByTestId('title'), 'the agent’s fonts'), [
        'Site Icons: loaded',
        'Site Mono: loaded',
      ]);
      assert.deepEqual(again.traffic, ['GET /widget-assets.js', 'POST /api/assets/missing']);
    } finally {
      await again.agent.getByTestId('exit-session').click();
    }
  });

  it('shows another site’s frame as a labelled placeholder of its size, and mirrors a frame of the same site', async (t) => {
    partner.serve({ '/offer': '<p>Partner offer: 2% back</p>' });
    const page = `
<h1 data-testid="title">Checkout</h1>
<iframe data-testid="same" width="300" height="120" srcdoc="<p>Inside the page</p>"></iframe>
<iframe data-testid="other" width="320" height="140" src="${partner.origin}/offer"></iframe>`;
    const { customer, view } = await session(t, '/t/frames', page, (customer) =>
      customer.frameLocator('[data-testid=other]').getByText('Partner offer').waitFor(),
    );
    const other = view.getByTestId('other');
    await other.waitFor();
    assert.equal(await other.getAttribute('data-cobrowse-frame'), partner.origin);
    const size = async (locator: Locator) => {
      const box = (await locator.boundingBox())!;
      return `${box.width}×${box.height}`;
    };
    assert.equal(await size(other), await size(customer.getByTestId('other')));
    assert.match(await computed(other, 'background-image'), /svg/);
    // The same site's frame is mirrored as it is, with no placeholder.
    await view.frameLocator('[data-testid=same]').getByText('Inside the page').waitFor();
    assert.equal(await view.getByTestId('same').getAttribute('data-cobrowse-frame'), null);
    assert.equal(await computed(view.getByTestId('same'), 'background-image'), 'none');
  });

  it('keeps rules whose var() shorthand is followed by a longhand, in the page, a shadow root and an adopted stylesheet', async (t) => {
    const { customer, view } = await session(t, '/t/styles', STYLES_PAGE);
    const borders = ['border-top-width', 'border-top-color', 'border-left-width', 'border-left-color', 'border-bottom-style'];
    for (const box of [customer.locator('x-alert .box'), customer.locator('x-card .box')])
      assert.deepEqual(await Promise.all(borders.map((property) => computed(box, property))), [
        '4px',
        'rgb(255, 0, 0)',
        '4px',
        'rgb(0, 0, 255)',
        'solid',
      ]);
    await waitFor(() => view.locator('x-card .box').count(), 'the components in the agent view');
    for (const selector of ['x-alert .box', 'x-card .box'])
      assert.deepEqual(
        await Promise.all(borders.map((property) => computed(view.locator(selector), property))),
        await Promise.all(borders.map((property) => computed(customer.locator(selector), property))),
        selector,
      );
    for (const property of ['margin-top', 'margin-left'])
      assert.equal(await computed(view.getByTestId('page-box'), property), await computed(customer.getByTestId('page-box'), property));
    const top = (page: Page | ReturnType<typeof agentView>) => page.getByTestId('below').evaluate((below: HTMLElement) => below.offsetTop);
    assert.equal(await top(view), await top(customer), 'what follows the components moved');
  });
});
