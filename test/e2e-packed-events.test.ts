import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { PACKED_EVENTS_TAG, type RecordedEvent } from '../protocol/index.ts';
import { packEvents } from '../protocol/packed-events.ts';
import { captureUploads } from './support/browser.ts';
import { agentJoins, agentView, browserSuite, customerStarts, hasNotice } from './support/cobrowse-pages.ts';
import { withUnpacked } from './support/packed-frames.ts';
import { waitFor } from './support/wait-for.ts';
import { protocolCustomer, recordedElement, recordedPage } from './support/recorded-pages.ts';

const BODY_ID = 5;
const STORM = 10_000;

/** A minimal page as rrweb records it: Meta and a full snapshot of an empty body. */
const emptyPage = (href: string): RecordedEvent[] => recordedPage(href, recordedElement(BODY_ID, 'body'));

/** rrweb's mutation event adding `count` rows (ids from 1000) to the body. */
function addRows(count: number): RecordedEvent {
  const adds = Array.from({ length: count }, (_, i) => ({
    parentId: BODY_ID,
    nextId: null,
    node: { type: 2, id: 1000 + i, tagName: 'p', attributes: { 'data-testid': `row-${i}` }, childNodes: [] },
  }));
  return { type: 3, data: { source: 0, texts: [], attributes: [], removes: [], adds: adds.reverse() }, timestamp: Date.now() };
}

/** rrweb's mutation event setting an attribute on row `i`. */
const markRow = (i: number, state: string): RecordedEvent => ({
  type: 3,
  data: { source: 0, texts: [], attributes: [{ id: 1000 + i, attributes: { 'data-state': state } }], removes: [], adds: [] },
  timestamp: Date.now(),
});

const pack = async (events: RecordedEvent[]) => (await packEvents(events, JSON.stringify(events)))!;

describe('packed events in Chromium', () => {
  const suite = browserSuite();

  it('sends a large first snapshot packed, and the agent sees the page it holds', async () => {
    const customer = await suite.newPage(1280, 800);
    const agent = await suite.newPage(1440, 900);
    const uploads = captureUploads(customer);
    const code = await customerStarts(customer, suite.server.url, '/demo/apply');
    await agentJoins(agent, suite.server.url, code);
    await waitFor(() => agentView(agent).getByTestId('demo-notes').count(), 'the apply page in the agent view');
    const packed = uploads.filter((upload) => upload.includes(PACKED_EVENTS_TAG));
    assert.ok(packed.length > 0, 'the snapshot went packed');
    assert.ok(
      (await withUnpacked(packed)).texts.some((text) => text.includes('demo-notes')),
      'the page is in them, inflated',
    );
    assert.ok(!packed.some((upload) => upload.includes('demo-notes')), 'nothing of the page in the clear');
    // A change on the page after the packed snapshot still arrives, in small batches sent plain.
    await customer.getByTestId('demo-name').pressSequentially('Packed Jane');
    await waitFor(async () => (await agentView(agent).getByTestId('demo-name').inputValue()) === 'Packed Jane', 'typing in the agent view');
    assert.ok(
      uploads.some((upload) => !upload.includes(PACKED_EVENTS_TAG) && upload.includes('Packed Jane')),
      'small batches went plain',
    );
    await agent.getByTestId('exit-session').click();
  });

  it('applies a packed batch and the plain one after it in order, and survives a decompression bomb', async () => {
    const agent = await suite.newPage(1440, 900);
    const errors: string[] = [];
    const consoleErrors: string[] = [];
    agent.on('pageerror', (error) => errors.push(error.message));
    agent.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
    const { customer, stream, send } = await protocolCustomer(suite.server.url, agent);

    await send([await pack(emptyPage(`${suite.server.url}/demo`))]);
    // Counts the tasks in which rows arrive in the agent's view: a storm applied at once is one.
    const view = agentView(agent);
    await view.locator('body').waitFor({ state: 'attached' });
    await agent.evaluate(() => {
      const body = document.querySelector<HTMLIFrameElement>('[data-testid=cobrowse-view] iframe')!.contentDocument!.body;
      const arrivals: number[] = ((window as unknown as { arrivals: number[] }).arrivals = []);
      new MutationObserver(() => arrivals.push(performance.now())).observe(body, { childList: true });
    });
    // Thousands of rows packed, then a plain change to the last of them: were the plain one
    // applied while the packed one is still inflating, or before the rows' last part, its row
    // would not exist yet.
    const storm = await pack([addRows(STORM)]);
    assert.ok(storm.data.payload.data.length > 0);
    await send([storm]);
    await send([markRow(STORM - 1, 'after-packed')]);
    await waitFor(
      async () => (await view.getByTestId(`row-${STORM - 1}`).getAttribute('data-state', { timeout: 500 })) === 'after-packed',
      'the plain change applied after the packed rows',
    );
    assert.equal(await view.locator('p[data-testid^=row-]').count(), STORM);
    const arrivals = await agent.evaluate(() => (window as unknown as { arrivals: number[] }).arrivals.length);
    assert.ok(arrivals >= 5, `${STORM} rows arrived over ${arrivals} frames, not in one long task`);

    // A bomb: declares 1 KB, inflates to 20 MB. The server cannot know (it never opens it); the
    // agent's page stops inflating at the declared size, drops it and goes on.
    const bomb = deflateRawSync(Buffer.alloc(20 * 1024 * 1024, '[')).toString('base64');
    await send([
      { type: 5, timestamp: Date.now(), data: { tag: PACKED_EVENTS_TAG, payload: { encoding: 'deflate-raw', size: 1024, data: bomb } } },
    ]);
    await send([markRow(0, 'after-bomb')]);
    await waitFor(
      async () => (await view.getByTestId('row-0').getAttribute('data-state', { timeout: 500 })) === 'after-bomb',
      'the change after the bomb',
    );
    await waitFor(() => consoleErrors.some((text) => /packed events refused/i.test(text)), 'the refusal in the agent’s console');
    // The view may now miss part of the page: the agent is told, and the customer asked for a fresh copy.
    await hasNotice(agent, 'agent-notice', /could not be read/i);
    await stream.next((message) => message.type === 'snapshot-request');
    assert.deepEqual(errors, [], 'no uncaught error in the agent’s page');
    await agent.getByTestId('exit-session').click();
    await customer.dispose();
  });
});
