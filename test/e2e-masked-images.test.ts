import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { updateSiteSettings } from '../server/settings/site-settings.ts';
import { agentJoins, agentView, browserSuite, startOnPage } from './support/cobrowse-pages.ts';
import { assertNoneCaptured, captureNetwork } from './support/network-capture.ts';
import { siteServer, type SiteFile } from './support/site-server.ts';
import { waitFor } from './support/wait-for.ts';

/** What a masked image's own file holds, were its bytes ever sent. */
const MASKED_FILE_WORD = 'Masked-File-7731';

/** A picture the site serves: a coloured box with a word on it. */
const picture = (colour: string, word: string): SiteFile => ({
  type: 'image/svg+xml',
  body: Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="120"><rect width="200" height="120" fill="${colour}"/><text x="16" y="64" font-size="24" fill="white">${word}</text></svg>`,
  ),
});

/** An image whose pixels are in its address: a masked one must not carry them out in its `src`. */
const INLINE_PIXELS = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="60"><rect width="100" height="60" fill="#7c3aed"/><text y="40">Inline-Pixels-3391</text></svg>',
).toString('base64');

/** What a masked image would give away: its address (in `src`, `srcset`, a `<source>`), its pixels, its description. */
const SECRETS = {
  address: '/img/id-card.svg',
  description: 'ID card of Jane Roe',
  pixels: INLINE_PIXELS.slice(20, 80),
  pictureSource: '/img/passport.webp',
  pictureImage: '/img/passport.svg',
  srcset: '/img/id-card-2x.svg',
  srcsetFallback: '/img/id-card-1x.svg',
  inShadowRoot: '/img/selfie.svg',
  changedLater: '/img/id-card-back.svg',
  addedLater: '/img/id-card-later.svg',
  afterBeingMasked: '/img/statement-2.svg',
  fileBytes: MASKED_FILE_WORD,
};

/** Addresses of images that are not masked: each shows on the wire, in the snapshot, in added nodes and in a change. */
const CONTROLS = {
  inSnapshot: '/img/avatar.svg',
  beforeBeingMasked: '/img/statement.svg',
  addedLater: '/img/avatar-later.svg',
  changedLater: '/img/avatar-2.svg',
};

const PAGE = `
<h1 data-testid="title">Your documents</h1>
<img class="avatar" data-testid="avatar" src="/img/avatar.svg" width="64" height="64" alt="Your avatar">
<img class="id-card" data-testid="id-card" src="/img/id-card.svg" width="200" height="120" alt="ID card of Jane Roe">
<img class="id-card" src="data:image/svg+xml;base64,${INLINE_PIXELS}" width="100" height="60">
<picture><source srcset="/img/passport.webp" type="image/webp"><img class="id-card" src="/img/passport.svg" width="100" height="60"></picture>
<img class="id-card" srcset="/img/id-card-2x.svg 2x" src="/img/id-card-1x.svg" width="100" height="60">
<img data-testid="statement" src="/img/statement.svg" width="100" height="60">
<x-profile data-testid="profile"></x-profile>
<div id="later"></div>
<script>
  customElements.define('x-profile', class extends HTMLElement {
    constructor() {
      super();
      this.attachShadow({ mode: 'open' }).innerHTML = '<img class="id-card" src="/img/selfie.svg" width="80" height="80">';
    }
  });
</script>`;

describe('masked images never leave the customer’s browser', () => {
  const suite = browserSuite();
  const site = siteServer({
    '/img/avatar.svg': picture('#0ea5e9', 'Avatar'),
    '/img/avatar-later.svg': picture('#0ea5e9', 'Later'),
    '/img/avatar-2.svg': picture('#0ea5e9', 'Avatar 2'),
    '/img/statement.svg': picture('#059669', 'Statement'),
    '/img/statement-2.svg': picture('#059669', `Statement 2 ${MASKED_FILE_WORD}`),
    '/img/id-card.svg': picture('#dc2626', `ID card ${MASKED_FILE_WORD}`),
    '/img/id-card-back.svg': picture('#dc2626', `ID back ${MASKED_FILE_WORD}`),
    '/img/id-card-later.svg': picture('#dc2626', `ID later ${MASKED_FILE_WORD}`),
    '/img/id-card-1x.svg': picture('#dc2626', `ID 1x ${MASKED_FILE_WORD}`),
    '/img/id-card-2x.svg': picture('#dc2626', `ID 2x ${MASKED_FILE_WORD}`),
    '/img/passport.svg': picture('#dc2626', `Passport ${MASKED_FILE_WORD}`),
    '/img/selfie.svg': picture('#dc2626', `Selfie ${MASKED_FILE_WORD}`),
  });

  it('sends neither the address, the pixels nor the description of an image the site masks, however it changes', async (t) => {
    site.serve({ '/t/documents': PAGE }, suite.server.url);
    await updateSiteSettings(suite.server.deps.db, { allowedOrigins: [site.origin], maskedImageSelectors: ['img.id-card'] });
    t.after(() => updateSiteSettings(suite.server.deps.db, { maskedImageSelectors: [] }));
    const customer = await suite.newPage(1000, 800);
    const agent = await suite.newPage(1440, 1000);
    // What the customer's browser sends, its worker's socket included; all the agent's traffic.
    const customerWire = await captureNetwork(customer, { urls: 'widget' });
    const agentWire = await captureNetwork(agent);

    await customer.goto(`${site.origin}/t/documents`);
    await agentJoins(agent, suite.server.url, await startOnPage(customer));
    t.after(() => agent.getByTestId('exit-session').click());
    const view = agentView(agent);
    await view.getByTestId('title').waitFor();

    // The unmasked image shows as it is; each masked one is a grey box, with no address.
    const address = async (testId: string) => new URL((await view.getByTestId(testId).getAttribute('src'))!).pathname;
    // (Or this server's copy of it, once the customer's browser has sent the site's images.)
    const avatar = await address('avatar');
    assert.ok(avatar === CONTROLS.inSnapshot || /^\/api\/assets\/[0-9a-f]{64}$/.test(avatar), avatar);
    const masked = view.locator('img[data-cobrowse-masked=image]');
    await waitFor(async () => (await masked.count()) === 5, 'five masked images in the agent view (one in a shadow root)');
    for (const image of await masked.all()) {
      assert.equal(await image.getAttribute('src'), null);
      assert.equal(await image.getAttribute('srcset'), null);
    }
    assert.equal(await view.locator('picture source').getAttribute('srcset'), null, 'the masked picture’s <source> kept its address');
    // Masked in a web component's shadow root, it looks masked as in the page: grey, with a purple border.
    const inShadowRoot = view.locator('x-profile img');
    assert.equal(await inShadowRoot.getAttribute('data-cobrowse-masked'), 'image');
    assert.deepEqual(
      await inShadowRoot.evaluate((image) => [getComputedStyle(image).backgroundColor, getComputedStyle(image).outlineColor]),
      ['rgb(209, 213, 219)', 'rgb(147, 51, 234)'],
    );
    await mkdir('test-results', { recursive: true });
    await agent.getByTestId('cobrowse-view').screenshot({ path: 'test-results/agent-view-masked-images.png' });

    // During the session: a masked image changes its address, one is added, one becomes masked
    // and then changes; then the controls: an unmasked image added, and one changed.
    await customer.evaluate(() => {
      document.querySelector<HTMLImageElement>('[data-testid=id-card]')!.src = '/img/id-card-back.svg';
      document.getElementById('later')!.insertAdjacentHTML('beforeend', '<img class="id-card" src="/img/id-card-later.svg" width="50">');
      const statement = document.querySelector<HTMLImageElement>('[data-testid=statement]')!;
      statement.classList.add('id-card');
      statement.src = '/img/statement-2.svg';
    });
    await waitFor(async () => (await masked.count()) === 6, 'the added image masked for the agent');
    await customer.evaluate(() => {
      document
        .getElementById('later')!
        .insertAdjacentHTML('beforeend', '<img class="avatar" data-testid="avatar-later" src="/img/avatar-later.svg">');
      document.querySelector<HTMLImageElement>('[data-testid=avatar]')!.src = '/img/avatar-2.svg';
    });
    await waitFor(async () => (await address('avatar')) === CONTROLS.changedLater, 'the changed avatar');
    await view.getByTestId('avatar-later').waitFor();

    // Every control is on the wire (the capture sees image addresses, the worker's frames
    // included, packed batches inflated); no secret is, neither in what was sent nor in either page's traffic.
    await assertNoneCaptured(() => customerWire.sent(), {
      controls: CONTROLS,
      secrets: SECRETS,
      where: 'what the customer’s browser sent',
    });
    await assertNoneCaptured(async () => [...(await customerWire.texts()), ...(await agentWire.texts())], {
      controls: CONTROLS,
      secrets: SECRETS,
      where: 'the traffic of both pages',
    });
  });
});
