import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { PACKED_EVENTS_TAG, type PackedEvents, type RecordedEvent } from '../protocol/index.ts';
import { unpackEvents } from '../protocol/packed-events.ts';
import { captureUploads } from './support/browser.ts';
import { agentJoins, agentView, browserSuite, customerStarts } from './support/cobrowse-pages.ts';
import { assertNoneCaptured } from './support/network-capture.ts';
import { waitFor } from './support/wait-for.ts';

/** The packed runs the customer uploaded holding a full snapshot, in order: their payload and events. */
async function sentSnapshots(uploads: string[]): Promise<{ payload: PackedEvents; events: RecordedEvent[] }[]> {
  const found = [];
  for (const upload of uploads) {
    if (!upload.includes(PACKED_EVENTS_TAG)) continue;
    const batch = JSON.parse(upload) as { events: RecordedEvent[] };
    for (const event of batch.events) {
      const payload = (event.data as { payload?: PackedEvents }).payload;
      if (!payload) continue;
      const events = await unpackEvents(payload);
      if (events.some((inner) => inner.type === 2)) found.push({ payload, events });
    }
  }
  return found;
}

const rootId = (events: RecordedEvent[]) => (events.find((event) => event.type === 2)!.data as { node: { id: number } }).node.id;

/** The customer starts on `path` and waits until the first snapshot has left. */
async function startAndSnapshot(customer: Page, baseUrl: string, path: string, uploads: string[]) {
  // On a settled page: a script Next.js adds later is a change, and the kept snapshot would carry it.
  const code = await customerStarts(customer, baseUrl, path, { settled: true });
  await waitFor(async () => (await sentSnapshots(uploads)).length === 1, 'the first snapshot sent');
  return code;
}

describe('the kept snapshot', () => {
  const suite = browserSuite();

  it('goes to an agent who joins as it was first sent when nothing changed, without the widget’s own styles', async () => {
    const customer = await suite.newPage(1280, 800);
    const agent = await suite.newPage(1440, 900);
    const uploads = captureUploads(customer);
    const code = await startAndSnapshot(customer, suite.server.url, '/demo', uploads);
    await agentJoins(agent, suite.server.url, code);
    await waitFor(() => agentView(agent).getByTestId('demo-counter').count(), 'the page in the agent view');
    const [first, again] = await sentSnapshots(uploads);
    assert.ok(again, 'the snapshot went to the agent');
    assert.equal(again.payload.data, first!.payload.data, 'the same packed snapshot, not taken again');
    // The page's own stylesheets travel, in the form the widget's would.
    await assertNoneCaptured(() => uploads, {
      controls: { pageStylesheet: '--nw-brand' },
      secrets: { 'the widget’s adopted stylesheet': 'all: initial' },
      where: 'the uploads',
    });
    await agent.getByTestId('exit-session').click();
  });

  it('goes with the changes made since, so a late agent sees the page as it is (masked values masked)', async () => {
    const customer = await suite.newPage(1280, 800);
    const agent = await suite.newPage(1440, 900);
    const uploads = captureUploads(customer);
    const code = await startAndSnapshot(customer, suite.server.url, '/demo/apply', uploads);
    await customer.getByTestId('demo-name').pressSequentially('Late Jane');
    await customer.getByTestId('demo-card').pressSequentially('4111111111111111');
    await customer.getByTestId('demo-add-coapplicant').click();
    await customer.getByTestId('demo-coapplicant-name').pressSequentially('Late John');
    await agentJoins(agent, suite.server.url, code);
    const view = agentView(agent);
    await waitFor(async () => (await view.getByTestId('demo-coapplicant-name').inputValue({ timeout: 500 })) === 'Late John', 'the change');
    assert.equal(await view.getByTestId('demo-name').inputValue(), 'Late Jane');
    assert.equal(await view.getByTestId('demo-card').inputValue(), '****');
    const [first, again] = await sentSnapshots(uploads);
    assert.ok(again);
    assert.equal(rootId(again.events), rootId(first!.events), 'the kept snapshot (rrweb numbers a new one afresh)');
    assert.notEqual(again.payload.data, first!.payload.data, 'with the changes, stamped anew');
    const stamps = new Set(again.events.map((event) => event.timestamp));
    assert.equal(stamps.size, 1, 'every event of the resent run stamped at once');
    assert.ok([...stamps][0]! > first!.events.at(-1)!.timestamp);
    await assertNoneCaptured(() => uploads, {
      controls: { typedBefore: 'Late Jane', typedAfter: 'Late John' },
      secrets: { 'the card number': '4111111111111111' },
      where: 'the uploads',
    });
    await agent.getByTestId('exit-session').click();
  });

  it('is taken afresh after the page’s address changes without a load', async () => {
    const customer = await suite.newPage(1280, 800);
    const agent = await suite.newPage(1440, 900);
    const uploads = captureUploads(customer);
    const code = await startAndSnapshot(customer, suite.server.url, '/demo', uploads);
    await customer.getByTestId('demo-nav-help').click();
    await customer.waitForURL(/\/demo\/help$/);
    await waitFor(async () => (await sentSnapshots(uploads)).length === 2, 'the help page’s snapshot');
    await agentJoins(agent, suite.server.url, code);
    await waitFor(() => agentView(agent).locator('.nw-faq').count(), 'the help page in the agent view');
    const snapshots = await sentSnapshots(uploads);
    const href = (events: RecordedEvent[]) => (events.find((event) => event.type === 4)!.data as { href: string }).href;
    assert.match(href(snapshots.at(-1)!.events), /\/demo\/help$/);
    assert.equal(snapshots.at(-1)!.payload.data, snapshots[1]!.payload.data, 'the help page’s own, kept');
    await agent.getByTestId('exit-session').click();
  });
});
