import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { PACKED_EVENTS_TAG, type PackedEvents, type RecordedEvent } from '../protocol/index.ts';
import { unpackEvents } from '../protocol/packed-events.ts';
import { captureUploads, signInAs } from './support/browser.ts';
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

/** The changes a kept snapshot carries: DOM mutations and typed input. */
const RUN_SOURCES = new Set([0, 5]);

const rootId = (events: RecordedEvent[]) => (events.find((event) => event.type === 2)!.data as { node: { id: number } }).node.id;

/** The session ID the customer's widget shows. */
const sessionCode = async (customer: Page) => (await customer.getByTestId('cobrowse-session-id').textContent())!.replace(/\D/g, '');

/**
 * The customer starts on `path` and an agent joins: the first snapshot is taken then, and the
 * agent's view shows `shown`. Returns how many snapshots have left by then (the agent's own
 * request may have sent the kept one again).
 */
async function startAndJoin(customer: Page, agent: Page, baseUrl: string, path: string, uploads: string[], shown: string) {
  // On a settled page: a script Next.js adds later is a change, and the kept snapshot would carry it.
  const code = await customerStarts(customer, baseUrl, path, { settled: true });
  await agentJoins(agent, baseUrl, code);
  await waitFor(() => agentView(agent).getByTestId(shown).count(), 'the page in the agent view');
  return (await sentSnapshots(uploads)).length;
}

describe('the kept snapshot', () => {
  const suite = browserSuite();

  /** A supervisor starts watching the session: a viewer who asks for the page later on. */
  async function supervisorWatches(supervisor: Page, baseUrl: string, code: string) {
    const { id } = await suite.server.deps.db.session.findUniqueOrThrow({ where: { code } });
    await signInAs(supervisor, baseUrl, 'supervisor@example.com', '/supervisor');
    await supervisor.goto(`${baseUrl}/supervisor/watch?session=${id}`);
    return supervisor.frameLocator('[data-testid=watch-view] iframe');
  }

  it('goes to a viewer who comes later as it was first sent when nothing changed, without the widget’s own styles', async () => {
    const [customer, agent, supervisor] = await Promise.all([suite.newPage(1280, 800), suite.newPage(1440, 900), suite.newPage(1440, 900)]);
    const uploads = captureUploads(customer);
    const atJoin = await startAndJoin(customer, agent, suite.server.url, '/demo', uploads, 'demo-counter');
    assert.ok(atJoin >= 1, 'the first snapshot went once the agent joined');
    const code = await sessionCode(customer);
    const watched = await supervisorWatches(supervisor, suite.server.url, code);
    await waitFor(() => watched.getByTestId('demo-counter').count(), 'the page for the supervisor');
    const snapshots = await waitFor(async () => {
      const sent = await sentSnapshots(uploads);
      return sent.length > atJoin ? sent : null;
    }, 'the snapshot sent for the supervisor');
    assert.equal(snapshots.at(-1)!.payload.data, snapshots[0]!.payload.data, 'the same packed snapshot, not taken again');
    // The page's own stylesheets travel, in the form the widget's would.
    await assertNoneCaptured(() => uploads, {
      controls: { pageStylesheet: '--nw-brand' },
      secrets: { 'the widget’s adopted stylesheet': 'all: initial' },
      where: 'the uploads',
    });
    await agent.getByTestId('exit-session').click();
  });

  it('goes with the changes made since, so a later viewer sees the page as it is (masked values masked)', async () => {
    const [customer, agent, supervisor] = await Promise.all([suite.newPage(1280, 800), suite.newPage(1440, 900), suite.newPage(1440, 900)]);
    const uploads = captureUploads(customer);
    const atJoin = await startAndJoin(customer, agent, suite.server.url, '/demo/apply', uploads, 'demo-name');
    const code = await sessionCode(customer);
    await customer.getByTestId('demo-name').pressSequentially('Late Jane');
    await customer.getByTestId('demo-card').pressSequentially('4111111111111111');
    await customer.getByTestId('demo-add-coapplicant').click();
    await customer.getByTestId('demo-coapplicant-name').pressSequentially('Late John');
    const view = await supervisorWatches(supervisor, suite.server.url, code);
    await waitFor(async () => (await view.getByTestId('demo-coapplicant-name').inputValue({ timeout: 500 })) === 'Late John', 'the change');
    assert.equal(await view.getByTestId('demo-name').inputValue(), 'Late Jane');
    assert.equal(await view.getByTestId('demo-card').inputValue(), '****');
    const snapshots = await sentSnapshots(uploads);
    assert.ok(snapshots.length > atJoin, 'a snapshot went for the supervisor');
    const [first, again] = [snapshots[0]!, snapshots.at(-1)!];
    assert.equal(rootId(again.events), rootId(first.events), 'the kept snapshot (rrweb numbers a new one afresh)');
    assert.notEqual(again.payload.data, first.payload.data, 'with the changes, stamped anew');
    // What follows the run in the same batch (pointer moves waiting, the pointer states sent after
    // every snapshot) keeps its own time.
    const run = again.events.filter((event) => event.type !== 3 || RUN_SOURCES.has((event.data as { source: number }).source));
    const stamps = new Set(run.filter((event) => event.type !== 5).map((event) => event.timestamp));
    assert.equal(stamps.size, 1, 'every event of the resent run stamped at once');
    assert.ok([...stamps][0]! > first.events.at(-1)!.timestamp);
    await assertNoneCaptured(() => uploads, {
      controls: { typedBefore: 'Late Jane', typedAfter: 'Late John' },
      secrets: { 'the card number': '4111111111111111' },
      where: 'the uploads',
    });
    await agent.getByTestId('exit-session').click();
  });

  it('is taken afresh after the page’s address changes without a load', async () => {
    const [customer, agent, supervisor] = await Promise.all([suite.newPage(1280, 800), suite.newPage(1440, 900), suite.newPage(1440, 900)]);
    const uploads = captureUploads(customer);
    const atJoin = await startAndJoin(customer, agent, suite.server.url, '/demo', uploads, 'demo-counter');
    const code = await sessionCode(customer);
    await customer.getByTestId('demo-nav-help').click();
    await customer.waitForURL(/\/demo\/help$/);
    await waitFor(async () => (await sentSnapshots(uploads)).length === atJoin + 1, 'the help page’s snapshot');
    await waitFor(() => agentView(agent).locator('.nw-faq').count(), 'the help page in the agent view');
    const watched = await supervisorWatches(supervisor, suite.server.url, code);
    await waitFor(() => watched.locator('.nw-faq').count(), 'the help page for the supervisor');
    const snapshots = await waitFor(async () => {
      const sent = await sentSnapshots(uploads);
      return sent.length === atJoin + 2 ? sent : null;
    }, 'the snapshot sent for the supervisor');
    const href = (events: RecordedEvent[]) => (events.find((event) => event.type === 4)!.data as { href: string }).href;
    assert.match(href(snapshots.at(-1)!.events), /\/demo\/help$/);
    assert.equal(snapshots.at(-1)!.payload.data, snapshots[atJoin]!.payload.data, 'the help page’s own, kept');
    await agent.getByTestId('exit-session').click();
  });
});
