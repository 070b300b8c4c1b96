import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { agentJoins, agentView, browserSuite, customerStarts, hasNotice } from './support/cobrowse-pages.ts';
import { waitFor } from './support/wait-for.ts';
import { ANNOTATION_BURST_SECONDS } from '../graphql/schema/stream/annotations.ts';
import { MAX_ANNOTATION_POINTS_PER_SIGNAL, MAX_ANNOTATION_POINTS_PER_STROKE } from '../protocol/limits.ts';
import { MAX_STROKES } from '../widget/ui/annotations.ts';

const SCREENSHOTS = path.join(import.meta.dirname, '..', 'test-results', 'annotations');

type Box = { x: number; y: number; width: number; height: number };

/** The agent drags a wavy line across a box of its view, from its left part to its right. */
async function drawAcross(agent: Page, box: Box) {
  const y = box.y + box.height / 2;
  await agent.mouse.move(box.x + 8, y);
  await agent.mouse.down();
  for (let i = 1; i <= 24; i++) await agent.mouse.move(box.x + 8 + (i * (box.width - 16)) / 24, y + Math.sin(i / 3) * 6);
  await agent.mouse.up();
}

/** Where a stroke's line is drawn on the customer's page (its box in the page's viewport). */
const strokeBox = (customer: Page, tool: 'draw' | 'laser', nth = 0) =>
  customer.locator(`[data-testid=cobrowse-annotation-${tool}] path.line`).nth(nth).boundingBox();

const near = (a: number, b: number, within: number) => Math.abs(a - b) <= within;

describe('annotations in Chromium', () => {
  const suite = browserSuite();

  it('draws on the customer’s page over the element, lets clicks through, follows scrolling, fades, pins, clears, and is audited per burst', async () => {
    const customer = await suite.newPage(1280, 640);
    const agent = await suite.newPage(1440, 900);
    const code = await customerStarts(customer, suite.server.url, '/demo');
    await agentJoins(agent, suite.server.url, code);
    await hasNotice(customer, 'cobrowse-notice', /joined/i);
    const view = agentView(agent);
    const buttonInView = await waitFor(
      () => view.getByTestId('demo-counter-button').boundingBox({ timeout: 500 }),
      'the button in the agent view',
    );

    // Pointer Mode, no consent asked: the agent draws across the counter button.
    await agent.getByTestId('annotate-draw').click();
    assert.equal(await agent.getByTestId('annotate-draw').getAttribute('aria-pressed'), 'true');
    const firstAt = Date.now();
    await drawAcross(agent, buttonInView);
    const button = customer.getByTestId('demo-counter-button');
    const onButton = (await button.boundingBox())!;
    const first = await waitFor(async () => {
      const box = await strokeBox(customer, 'draw');
      return box && box.width > onButton.width * 0.6 ? box : null;
    }, 'the whole stroke on the customer’s page');
    // Over the button, from its left part to its right, as the agent drew it.
    assert.ok(near(first.x, onButton.x + 8, 12), `stroke starts at ${first.x}, button at ${onButton.x}`);
    assert.ok(near(first.y + first.height / 2, onButton.y + onButton.height / 2, 10), 'stroke across the button’s middle');
    assert.equal(
      await customer
        .locator('[data-testid=cobrowse-annotation-draw] path.line')
        .getAttribute('d')
        .then((d) => /Q/.test(d ?? '')),
      true,
    );
    // The agent sees its stroke too.
    assert.equal(await agent.locator('[data-testid=agent-annotations] g').count(), 1);

    // The stroke never takes the customer's clicks: a click on it reaches the button beneath.
    const hit = await customer.evaluate(
      ({ x, y }) => document.elementFromPoint(x, y)?.closest('[data-testid]')?.getAttribute('data-testid'),
      {
        x: first.x + first.width / 2,
        y: first.y + first.height / 2,
      },
    );
    assert.equal(hit, 'demo-counter-button');
    const before = await customer.getByTestId('demo-counter').textContent();
    await customer.mouse.click(first.x + first.width / 2, first.y + first.height / 2);
    await waitFor(async () => (await customer.getByTestId('demo-counter').textContent()) !== before, 'the click under the stroke');

    // A pinned stroke, right after: the same burst, so still one audit row (a slow machine may
    // have taken longer than a burst to get here: then it starts a burst of its own).
    await agent.getByTestId('annotate-pin').click();
    const pinnedAt = Date.now();
    await drawAcross(agent, { ...buttonInView, y: buttonInView.y + 4 });
    await waitFor(
      () =>
        customer
          .locator('[data-testid=cobrowse-annotation-draw]')
          .count()
          .then((n) => n === 2),
      'the pinned stroke',
    );
    const audited = () => suite.server.deps.db.auditEvent.findMany({ where: { type: 'AGENT_ANNOTATED' }, orderBy: { sequence: 'asc' } });
    const burstMs = ANNOTATION_BURST_SECONDS * 1000;
    const bursts = (await audited()).length;
    if (pinnedAt - firstAt < burstMs - 1000) assert.equal(bursts, 1, 'two strokes within a burst, one row');
    else if (pinnedAt - firstAt > burstMs + 1000) assert.equal(bursts, 2, 'a stroke past the burst, a row of its own');
    else assert.ok(bursts === 1 || bursts === 2, `${bursts} rows for two strokes`);
    const lastBurstAt = bursts === 1 ? firstAt : pinnedAt;

    mkdirSync(SCREENSHOTS, { recursive: true });
    await customer.screenshot({ path: path.join(SCREENSHOTS, 'customer-stroke.png') });
    await agent.screenshot({ path: path.join(SCREENSHOTS, 'agent-stroke.png') });

    // The customer scrolls: the strokes stay on the button.
    await customer.evaluate(() => {
      document.body.style.paddingBottom = '1200px'; // room to scroll at any window size
      scrollBy(0, 120);
    });
    const moved = await waitFor(async () => {
      const box = await strokeBox(customer, 'draw', 1);
      const now = await button.boundingBox();
      return box && now && near(box.y + box.height / 2, now.y + now.height / 2, 12) && now.y < onButton.y - 100 ? box : null;
    }, 'the stroke following the button as the page scrolls');
    assert.ok(moved);

    // The first stroke fades after a few seconds; the pinned one stays.
    await waitFor(
      () =>
        customer
          .locator('[data-testid=cobrowse-annotation-draw]')
          .count()
          .then((n) => n === 1),
      'the first stroke fading',
      10_000,
    );
    await waitFor(
      () =>
        agent
          .locator('[data-testid=agent-annotations] g')
          .count()
          .then((n) => n === 1),
      'the agent’s own first stroke fading',
      10_000,
    );
    assert.equal(await customer.locator('[data-testid=cobrowse-annotation-draw]').count(), 1);

    // Clear removes what is left, on both sides.
    await agent.getByTestId('annotate-clear').click();
    await waitFor(
      () =>
        customer
          .locator('[data-testid=cobrowse-annotation-draw]')
          .count()
          .then((n) => n === 0),
      'Clear on the customer’s page',
    );
    await waitFor(
      () =>
        agent
          .locator('[data-testid=agent-annotations] g')
          .count()
          .then((n) => n === 0),
      'Clear in the agent’s view',
    );

    // Past the burst, the laser: its trail shows, then fades by itself; a second audit row.
    await waitFor(() => Date.now() - lastBurstAt > burstMs + 1000, 'the burst to end');
    await agent.getByTestId('annotate-laser').click();
    const buttonNow = (await view.getByTestId('demo-counter-button').boundingBox())!;
    await drawAcross(agent, buttonNow);
    await waitFor(() => customer.locator('[data-testid=cobrowse-annotation-laser]').count(), 'the laser trail');
    await customer.screenshot({ path: path.join(SCREENSHOTS, 'customer-laser.png') });
    await waitFor(
      () =>
        customer
          .locator('[data-testid=cobrowse-annotation-laser]')
          .count()
          .then((n) => n === 0),
      'the laser fading',
      5000,
    );
    // Escape puts the tool down: the mouse points again.
    await agent.keyboard.press('Escape');
    await waitFor(async () => (await agent.getByTestId('annotate-laser').getAttribute('aria-pressed')) === 'false', 'the laser put down');
    assert.equal(await agent.getByTestId('agent-annotation-layer').count(), 0);
    const rows = await audited();
    assert.deepEqual(
      rows.map((row) => JSON.parse(row.data).tool),
      [...Array<string>(bursts).fill('draw'), 'laser'],
    );
  });

  it('keeps at most its number of strokes, and of points per stroke, on the customer’s page', async () => {
    const page = await suite.newPage(800, 600);
    await page.goto(`${suite.server.url}/demo`);
    const shown = await page.evaluate(
      async ({ src, strokes, perPiece, perStroke }) => {
        const code = (await import(src)) as typeof import('../widget/ui/annotations.ts');
        const host = document.body.appendChild(document.createElement('div'));
        const shadow = host.attachShadow({ mode: 'open' });
        const overlay = code.createAnnotations(shadow, (target) => [target.x, target.y]);
        const base = { tool: 'draw' as const, anchor: { x: 5, y: 5 }, pinned: true }; // no named functions: tsx would wrap them in a helper the page lacks
        for (let id = 1; id <= strokes + 1; id++) overlay.apply({ type: 'annotate', stroke: { ...base, id, points: [0, 0, 1, 1] } });
        const points = Array.from({ length: perPiece * 2 }, (_, i) => i % 50);
        for (let i = 0; i < perStroke / perPiece + 3; i++)
          overlay.apply({ type: 'annotate', stroke: { ...base, id: strokes + 1, points } });
        const groups = shadow.querySelectorAll('g');
        const longest = shadow.querySelector('g:last-child path.line')!.getAttribute('d')!;
        return {
          groups: groups.length,
          first: groups[0]!.parentElement!.firstElementChild === groups[0],
          curves: longest.split('Q').length - 1,
        };
      },
      {
        src: `${suite.server.url}/widget-annotations.js`,
        strokes: MAX_STROKES,
        perPiece: MAX_ANNOTATION_POINTS_PER_SIGNAL,
        perStroke: MAX_ANNOTATION_POINTS_PER_STROKE,
      },
    );
    // One stroke over the cap: the oldest went. The long stroke stops at its cap (each point but the first and last is a curve).
    assert.equal(shown.groups, MAX_STROKES);
    assert.equal(shown.curves, MAX_ANNOTATION_POINTS_PER_STROKE - 2);
  });
});
