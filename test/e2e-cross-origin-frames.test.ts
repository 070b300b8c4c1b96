import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import { updateSiteSettings } from '../server/settings/site-settings.ts';
import { MAX_FRAME_MESSAGE_BYTES, MAX_FRAME_MESSAGES_PER_SECOND } from '../protocol/limits.ts';
import { readRecording } from '../server/recording/recording-writer.ts';
import { captureUploads, signInAs } from './support/browser.ts';
import { agentJoins, agentView, browserSuite, startOnPage } from './support/cobrowse-pages.ts';
import { assertNoneCaptured } from './support/network-capture.ts';
import { withUnpacked } from './support/packed-frames.ts';
import { siteServer } from './support/site-server.ts';
import { waitFor } from './support/wait-for.ts';

const SCREENSHOTS = path.join(import.meta.dirname, '..', 'test-results', 'cross-origin-frames');

/** The payment form another site serves into the shop's checkout, with the widget as a child frame. */
const CARD_FORM = `
<style>body { font: 15px system-ui, sans-serif; margin: 16px; background: #eef6ff; } label { display: block; margin: 8px 0; }</style>
<h2 data-testid="pay-title">Pay with card for booking 4417</h2>
<label>Card number <input data-testid="card" name="cardnumber" autocomplete="cc-number"></label>
<label>Name on card <input data-testid="holder" name="holder"></label>
<p data-testid="pay-status">Waiting for your card</p>
<!--widget--><script>Cobrowse.init({ frame: true })</script>`;

/** A page of a site the shop does not trust, running the widget as a child frame all the same. */
const UNTRUSTED_FORM = `<p data-testid="untrusted-text">Untrusted partner text 5521</p><!--widget--><script>Cobrowse.init({ frame: true })</script>`;

/**
 * A hostile page framed by the shop (on the untrusted site): it posts forged frame batches and
 * rrweb's own cross-origin messages to its parent, again and again, whoever listens.
 */
const HOSTILE_PAGE = `<p>Just an ad</p><script>
  const forged = { type: 2, timestamp: Date.now(), data: { node: { type: 0, id: 1, childNodes: [{ type: 3, id: 2, textContent: 'FORGED-7731' }] }, initialOffset: { top: 0, left: 0 } } };
  setInterval(() => {
    parent.postMessage({ type: 'cobrowse-frame-events', batch: { seq: 1, sentAt: Date.now(), events: [forged] } }, '*');
    parent.postMessage({ type: 'rrweb', event: forged, origin: location.origin, isCheckout: true }, '*');
    parent.postMessage({ type: 'cobrowse-frame-ready' }, '*');
  }, 50);
</script>`;

/**
 * A page of the trusted site that floods its parent once asked to record: a burst of small
 * batches, then (a second later, in a fresh rate window) one batch past the size limit and a
 * small one after it.
 */
const FLOOD_PAGE = `<p>Flood</p><script>
  const batch = (marker, pad = '') => ({ type: 'cobrowse-frame-events', batch: { seq: 1, sentAt: Date.now(), events: [{ type: 5, timestamp: Date.now(), data: { tag: 'flood', payload: marker + pad } }] } });
  let asked = false;
  addEventListener('message', (event) => {
    if (event.data?.type !== 'cobrowse-frame-record' || asked) return;
    asked = true;
    for (let i = 0; i < 200; i++) parent.postMessage(batch('burst-' + i + '-'), event.origin);
    setTimeout(() => {
      parent.postMessage(batch('oversized-marker', 'x'.repeat(${MAX_FRAME_MESSAGE_BYTES})), event.origin);
      parent.postMessage(batch('after-oversized'), event.origin);
    }, 1100);
  });
  parent.postMessage({ type: 'cobrowse-frame-ready' }, '*');
</script>`;

/** Every message the customer's top page receives, as the JSON of `{ origin, frame, data }` (`frame` the sender's test id), kept in the page. */
const LOG_TOP_MESSAGES = () => {
  if (window !== window.top) return;
  const log: string[] = [];
  (window as unknown as { frameMessages: string[] }).frameMessages = log;
  addEventListener('message', (event) => {
    const frame = Array.from(document.getElementsByTagName('iframe')).find((candidate) => candidate.contentWindow === event.source);
    log.push(JSON.stringify({ origin: event.origin, frame: frame?.dataset.testid, data: event.data }));
  });
};

/** Every message a frame receives from its parent, kept in the frame. */
const LOG_FRAME_MESSAGES = () => {
  if (window === window.top) return;
  const log: string[] = [];
  (window as unknown as { parentMessages: string[] }).parentMessages = log;
  addEventListener('message', (event) => event.source === parent && log.push(JSON.stringify(event.data)));
};

const topMessages = (customer: Page) => customer.evaluate(() => (window as unknown as { frameMessages: string[] }).frameMessages);

/** The types of the messages the top page received from the frame with this test id. */
const typesFrom = async (customer: Page, frame: string) =>
  (await topMessages(customer))
    .map((line) => JSON.parse(line) as { frame?: string; data: { type?: string } | null })
    .filter((message) => message.frame === frame)
    .map((message) => message.data?.type);

describe('cross-origin frames: a trusted site’s frame mirrored, masked in its own page; any other a placeholder', () => {
  const suite = browserSuite();
  const shop = siteServer();
  const pay = siteServer();
  const untrusted = siteServer();

  /** The customer on the shop's page with these frames starts co-browse; the agent joins when told. */
  async function customerOn(t: TestContext, body: string) {
    shop.serve({ '/checkout': `<h1 data-testid="title">Checkout</h1>${body}` }, suite.server.url);
    pay.serve({ '/card': CARD_FORM, '/flood': FLOOD_PAGE }, suite.server.url);
    untrusted.serve({ '/form': UNTRUSTED_FORM, '/ad': HOSTILE_PAGE }, suite.server.url);
    await updateSiteSettings(suite.server.deps.db, { allowedOrigins: [shop.origin], frameOrigins: [pay.origin] });
    const customer = await suite.newPage(900, 700);
    await customer.context().addInitScript(LOG_TOP_MESSAGES);
    await customer.context().addInitScript(LOG_FRAME_MESSAGES);
    const uploads = captureUploads(customer);
    await customer.goto(`${shop.origin}/checkout`);
    const code = await startOnPage(customer);
    const agent = await suite.newPage(1400, 1000);
    const join = async () => {
      await agentJoins(agent, suite.server.url, code);
      t.after(() =>
        agent
          .getByTestId('exit-session')
          .click()
          .catch(() => {}),
      );
      const view = agentView(agent);
      await waitFor(() => view.getByTestId('title').count(), 'the page in the agent view');
      return view;
    };
    return { customer, agent, uploads, join, code };
  }

  it('mirrors a trusted frame live once an agent watches, keeps its card number masked on the wire, and stops it with the session', async (t) => {
    const { customer, agent, uploads, join } = await customerOn(
      t,
      `<iframe data-testid="pay" width="460" height="260" src="${pay.origin}/card"></iframe>`,
    );
    const frame = customer.frameLocator('[data-testid=pay]');
    // Before anyone watches, the frame says it is ready (to the shop's origin) and nothing more;
    // it draws no widget of its own.
    await waitFor(async () => (await typesFrom(customer, 'pay')).length, 'the frame’s ready message');
    assert.deepEqual(await typesFrom(customer, 'pay'), ['cobrowse-frame-ready']);
    assert.equal(await frame.getByTestId('cobrowse-start').count(), 0);
    await frame.getByTestId('card').fill('4111 1111 1111 1111'); // typed before the agent came: masked all the same

    const view = await join();
    const mirrored = view.frameLocator('[data-testid=pay]');
    await mirrored.getByText('Pay with card for booking 4417').waitFor();
    assert.equal(await view.getByTestId('pay').getAttribute('data-cobrowse-frame-shared'), '');

    // Live: what changes in the frame changes in the agent's view of it.
    await frame.getByTestId('holder').pressSequentially('Ada Lovelace');
    await frame.getByTestId('pay-status').evaluate((status) => (status.textContent = 'Card checked'));
    await waitFor(
      async () => (await mirrored.getByTestId('holder').inputValue()) === 'Ada Lovelace',
      'the holder’s name in the agent view',
    );
    await mirrored.getByText('Card checked').waitFor();
    assert.equal(await mirrored.getByTestId('card').inputValue(), '****');
    // Marked masked for the agent as in the customer's own page: a purple outline.
    assert.equal(await mirrored.getByTestId('card').evaluate((card) => getComputedStyle(card).outlineColor), 'rgb(147, 51, 234)');
    await frame.getByTestId('card').pressSequentially('4242');
    mkdirSync(SCREENSHOTS, { recursive: true });
    await agent.screenshot({ path: path.join(SCREENSHOTS, 'mirrored-frame.png') });

    // The card number never left the frame: neither in what it posted to the shop's page nor on
    // the shop page's socket, where the holder's name (typed after it, unmasked) did go.
    await assertNoneCaptured(() => topMessages(customer), {
      controls: { holder: 'Ada Lovelace' },
      secrets: { card: '4111 1111', typed: '4242' },
      where: 'what the frame posted',
    });
    await assertNoneCaptured(() => uploads, {
      controls: { holder: 'Ada Lovelace', status: 'Card checked' },
      secrets: { card: '4111 1111', typed: '4242' },
      where: 'the customer’s uploads',
    });

    // The agent's page reloads and asks for the page again: the frame's page comes with it, as it is now.
    await agent.reload();
    await view.frameLocator('[data-testid=pay]').getByText('Card checked').waitFor();
    assert.equal(await view.frameLocator('[data-testid=pay]').getByTestId('holder').inputValue(), 'Ada Lovelace');

    // The session ends: the frame is told to stop, and posts nothing more.
    await customer.getByTestId('cobrowse-exit').click();
    await waitFor(
      () => frame.locator('body').evaluate(() => (window as unknown as { parentMessages: string[] }).parentMessages.at(-1)),
      'a message to the frame',
    );
    await waitFor(
      async () =>
        (await frame.locator('body').evaluate(() => (window as unknown as { parentMessages: string[] }).parentMessages)).includes(
          '{"type":"cobrowse-frame-stop"}',
        ),
      'the stop message in the frame',
    );
    const posted = (await topMessages(customer)).length;
    await frame.getByTestId('holder').fill('After the end');
    await frame.locator('body').evaluate(() => new Promise((resolve) => setTimeout(resolve, 300))); // several of the recorder's batch intervals
    assert.equal((await topMessages(customer)).length, posted);
  });

  it('shows an untrusted frame as a placeholder naming its site, sends none of it, and ignores forged messages', async (t) => {
    const { customer, agent, uploads, join } = await customerOn(
      t,
      `<iframe data-testid="pay" width="420" height="200" src="${pay.origin}/card"></iframe>
       <iframe data-testid="untrusted" width="420" height="160" src="${untrusted.origin}/form"></iframe>
       <iframe data-testid="ad" width="300" height="80" src="${untrusted.origin}/ad"></iframe>`,
    );
    await customer.frameLocator('[data-testid=untrusted]').getByText('Untrusted partner text 5521').waitFor();
    const view = await join();
    await view.frameLocator('[data-testid=pay]').getByText('Pay with card for booking 4417').waitFor();
    const placeholder = view.getByTestId('untrusted');
    assert.equal(await placeholder.getAttribute('data-cobrowse-frame'), untrusted.origin);
    assert.equal(await placeholder.getAttribute('data-cobrowse-frame-shared'), null);
    const label = await placeholder.evaluate((frame) => getComputedStyle(frame).backgroundImage);
    assert.match(decodeURIComponent(label), new RegExp(`Content from ${new URL(untrusted.origin).host}`));
    const [original, copy] = [await customer.getByTestId('untrusted').boundingBox(), await placeholder.boundingBox()];
    assert.deepEqual([copy!.width, copy!.height], [original!.width, original!.height]);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await agent.screenshot({ path: path.join(SCREENSHOTS, 'placeholder.png') });

    // The untrusted frame's widget learned no parent to post to: nothing from it reached the
    // shop's page, where the hostile frame's forgeries did arrive and went no further.
    const forged = await typesFrom(customer, 'ad');
    assert.ok(forged.includes('cobrowse-frame-events') && forged.includes('rrweb'), 'the forged messages arrived');
    assert.ok((await typesFrom(customer, 'pay')).includes('cobrowse-frame-events'), 'the trusted frame’s batches arrived');
    assert.deepEqual(await typesFrom(customer, 'untrusted'), []);
    await assertNoneCaptured(() => uploads, {
      controls: { trusted: 'Pay with card for booking 4417' },
      secrets: { untrusted: 'Untrusted partner text', forged: 'FORGED-7731' },
      where: 'the customer’s uploads',
    });
    assert.equal(await view.frameLocator('[data-testid=ad]').getByText('FORGED-7731').count(), 0);
  });

  it('replays the trusted frame’s page in a supervisor’s replay of the recorded session', async (t) => {
    await updateSiteSettings(suite.server.deps.db, { recordingEnabled: true });
    t.after(() => updateSiteSettings(suite.server.deps.db, { recordingEnabled: false }));
    const { customer, join, code } = await customerOn(
      t,
      `<iframe data-testid="pay" width="460" height="260" src="${pay.origin}/card"></iframe>`,
    );
    const view = await join();
    await customer.frameLocator('[data-testid=pay]').getByTestId('holder').pressSequentially('Grace Hopper');
    await waitFor(
      async () => (await view.frameLocator('[data-testid=pay]').getByTestId('holder').inputValue()) === 'Grace Hopper',
      'the holder’s name in the agent view',
    );
    const { id } = await suite.server.deps.db.session.findUniqueOrThrow({ where: { code } });
    await waitFor(async () => {
      await suite.server.deps.recordings.flush(id);
      return JSON.stringify(await readRecording(suite.server.deps.db, id)).includes('Grace Hopper');
    }, 'the frame’s typing recorded');
    await customer.getByTestId('cobrowse-exit').click();

    const supervisor = await suite.newPage(1440, 1000);
    await signInAs(supervisor, suite.server.url, 'supervisor@example.com', `/supervisor/replay?session=${id}`);
    const replay = supervisor.frameLocator('[data-testid=replay-view] iframe');
    await replay.getByTestId('title').waitFor();
    await supervisor.getByTestId('replay-play').click();
    const frame = replay.frameLocator('[data-testid=pay]');
    await frame.getByText('Pay with card for booking 4417').waitFor();
    await waitFor(async () => (await frame.getByTestId('holder').inputValue()) === 'Grace Hopper', 'the holder’s name in the replay');
  });

  it('takes at most its rate of messages from a frame, and none past the size limit', async (t) => {
    const { uploads, join } = await customerOn(
      t,
      `<iframe data-testid="flood" width="300" height="80" src="${pay.origin}/flood"></iframe>`,
    );
    await join();
    await assertNoneCaptured(() => uploads, {
      controls: { after: 'after-oversized' },
      secrets: { oversized: 'oversized-marker' },
      where: 'the customer’s uploads',
    });
    const { texts } = await withUnpacked(uploads);
    const burst = new Set(texts.flatMap((text) => text.match(/burst-\d+-/g) ?? []));
    assert.ok(burst.size >= 1, 'some of the burst went through');
    // The 200 came within a second (two rate windows at most): the rest were dropped.
    assert.ok(burst.size <= 2 * MAX_FRAME_MESSAGES_PER_SECOND, `${burst.size} of the burst went through`);
  });
});
