import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RecordedEvent } from '../protocol/index.ts';
import { packEvents } from '../protocol/packed-events.ts';
import { agentView, browserSuite } from './support/cobrowse-pages.ts';
import { waitFor } from './support/wait-for.ts';
import { protocolCustomer, recordedElement, recordedPage } from './support/recorded-pages.ts';

const STAGE_ID = 6;
const BEFORE_ID = 7;
const AFTER_ID = 8;
const LIST_ID = 100;
const ROWS = 10_000;
const rowId = (i: number) => 1000 + i;
const rowTextId = (i: number) => 20_000 + i;

/** Meta and a full snapshot of a page whose body holds `<main id=stage><p id=before><p id=after></main>`. */
const stagePage = (href: string): RecordedEvent[] =>
  recordedPage(
    href,
    recordedElement(5, 'body', {}, [
      recordedElement(STAGE_ID, 'main', { id: 'stage' }, [
        recordedElement(BEFORE_ID, 'p', { id: 'before' }),
        recordedElement(AFTER_ID, 'p', { id: 'after' }),
      ]),
    ]),
  );

const mutation = (data: { adds?: unknown[]; removes?: unknown[]; texts?: unknown[]; attributes?: unknown[] }): RecordedEvent => ({
  type: 3,
  data: { source: 0, adds: [], removes: [], texts: [], attributes: [], ...data },
  timestamp: Date.now(),
});

/**
 * rrweb's one mutation for a list of `ROWS` items with their texts attached between #before and
 * #after, in the recorder's order (a node after its parent and its next sibling), with a text and
 * an attribute change on the new rows in the same mutation.
 */
function listStorm(): RecordedEvent {
  const adds: unknown[] = [
    { parentId: STAGE_ID, nextId: AFTER_ID, node: { type: 2, id: LIST_ID, tagName: 'ul', attributes: { id: 'list' }, childNodes: [] } },
  ];
  for (let i = ROWS - 1; i >= 0; i--) {
    adds.push({
      parentId: LIST_ID,
      nextId: i === ROWS - 1 ? null : rowId(i + 1),
      node: { type: 2, id: rowId(i), tagName: 'li', attributes: {}, childNodes: [] },
    });
    adds.push({ parentId: rowId(i), nextId: null, node: { type: 3, id: rowTextId(i), textContent: `Row ${i}` } });
  }
  return mutation({
    adds,
    texts: [{ id: rowTextId(ROWS - 1), value: 'Last row' }],
    attributes: [{ id: rowId(0), attributes: { class: 'first' } }],
  });
}

/** A customer speaking the protocol directly, and the agent's page showing the stage page. */
async function stagedSession(suite: ReturnType<typeof browserSuite>) {
  const agent = await suite.newPage(1440, 900);
  const errors: string[] = [];
  agent.on('pageerror', (error) => errors.push(error.message));
  const { customer, send } = await protocolCustomer(suite.server.url, agent);
  const page = stagePage(`${suite.server.url}/demo`);
  await send([(await packEvents(page, JSON.stringify(page)))!]);
  await agentView(agent).locator('#after').waitFor({ state: 'attached' });
  return {
    agent,
    send,
    errors,
    end: async () => {
      await agent.getByTestId('exit-session').click();
      await customer.dispose();
    },
  };
}

/**
 * Holds the agent page's animation frames (the replayer's timer among them) until `THAW_FRAMES`.
 * Strings, not functions: the TypeScript loader would wrap a function's inner names in a helper
 * that does not exist in the page.
 */
const FREEZE_FRAMES = `(() => {
  const held = (window.heldFrames = []);
  window.realFrame = window.requestAnimationFrame;
  window.requestAnimationFrame = (callback) => (held.push(callback), 0);
})()`;
const THAW_FRAMES = `(() => {
  window.requestAnimationFrame = window.realFrame;
  window.heldFrames.splice(0).forEach((callback) => callback(performance.now()));
})()`;

describe('agent replay: mutations applied at once, large ones in parts built off the page', () => {
  const suite = browserSuite();

  it('applies a DOM change as it arrives, without waiting for the replayer’s next frame, and never ahead of an event that waits for it', async () => {
    const { agent, send, errors, end } = await stagedSession(suite);
    try {
      await agent.evaluate(FREEZE_FRAMES);
      const view = agentView(agent);
      await send([mutation({ attributes: [{ id: BEFORE_ID, attributes: { class: 'now' } }] })]);
      await waitFor(
        async () => (await view.locator('#before').getAttribute('class', { timeout: 500 })) === 'now',
        'the change without a frame',
      );

      // A scroll waits for the replayer's frame; the change sent after it must wait too.
      await send([{ type: 3, data: { source: 3, id: 1, x: 0, y: 10 }, timestamp: Date.now() }]);
      await send([mutation({ attributes: [{ id: BEFORE_ID, attributes: { class: 'after-scroll' } }] })]);
      // A session message after it on the same stream, handled by the page as it comes: once the
      // page shows it, the change has been handed to the replay too.
      await agent.getByTestId('request-write').click();
      await waitFor(
        () => agent.getByTestId('request-write').isDisabled(),
        'the Write Mode request, made after the change, on the agent page',
      );
      assert.equal(await view.locator('#before').getAttribute('class'), 'now', 'the change did not overtake the scroll');
      await agent.evaluate(THAW_FRAMES);
      await waitFor(
        async () => (await view.locator('#before').getAttribute('class', { timeout: 500 })) === 'after-scroll',
        'the change after the scroll',
      );
      assert.deepEqual(errors, []);
    } finally {
      await end();
    }
  });

  it('builds a large new subtree off the page over several tasks, then puts it in place with its text and attribute changes', async () => {
    const { agent, send, errors, end } = await stagedSession(suite);
    try {
      // Watches the new list from the moment it appears: in how many tasks rows are added to it, and
      // whether it was in the document meanwhile.
      await agent.evaluate(() => {
        const doc = document.querySelector<HTMLIFrameElement>('[data-testid=cobrowse-view] iframe')!.contentDocument!;
        const watch = ((window as unknown as { listWatch: { tasks: number; connected: number } }).listWatch = { tasks: 0, connected: 0 });
        new MutationObserver((records) => {
          const list = records.flatMap((record) => [...record.addedNodes]).find((node) => (node as Element).id === 'list');
          if (!list) return;
          new MutationObserver((rows) => {
            if (!rows.some((row) => row.target === list && row.addedNodes.length)) return;
            watch.tasks++;
            if (list.isConnected) watch.connected++;
          }).observe(list, { childList: true });
        }).observe(doc.getElementById('stage')!, { childList: true });
      });
      const storm = [listStorm()];
      await send([(await packEvents(storm, JSON.stringify(storm)))!]);
      // A plain change to the last row right after: applied after the storm, not before it.
      await send([mutation({ attributes: [{ id: rowId(ROWS - 1), attributes: { class: 'after-storm' } }] })]);
      const view = agentView(agent);
      await waitFor(async () => (await view.locator('li.after-storm').count()) === 1, 'the change after the storm');

      const stage = await view.locator('#stage').evaluate((main) => ({
        children: [...main.children].map((child) => child.id),
        rows: main.querySelectorAll('#list > li').length,
        first: main.querySelector('#list > li')!.className,
        sixth: main.querySelectorAll('#list > li')[5]!.textContent,
        last: main.querySelector('#list > li:last-child')!.textContent,
      }));
      assert.deepEqual(stage, { children: ['before', 'list', 'after'], rows: ROWS, first: 'first', sixth: 'Row 5', last: 'Last row' });
      const watch = await agent.evaluate(() => (window as unknown as { listWatch: { tasks: number; connected: number } }).listWatch);
      assert.ok(watch.tasks >= 5, `${ROWS} rows went in over ${watch.tasks} tasks, not one long one`);
      assert.equal(watch.connected, 0, 'the list was built off the page, not laid out again after every part');
      assert.deepEqual(errors, []);
    } finally {
      await end();
    }
  });
});
