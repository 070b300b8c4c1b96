import assert from 'node:assert/strict';
import { test } from 'node:test';
import { realisticBatch, realisticEventsJson } from '../bench/event-mix.ts';
import { cpuPerBatchRatio, type CapacityResult, type StepResult } from '../bench/relay-capacity.ts';
import { paceLikeTheWidget } from '../bench/relay-targets.ts';
import { INSTALL_SIGNATURE } from '../bench/storm-scripts.ts';
import { judgeBrowserLatency, judgeCapacity, judgeLargePage, judgeTargets } from '../bench/targets.ts';
import { launchBrowser } from './support/browser.ts';
import { MAX_UNACKNOWLEDGED_BATCHES } from '../protocol/uploads.ts';

// The bench's judgement must not pass a product that is worse, nor one it did not measure.

const step = (sessions: number, figures: Partial<StepResult> = {}): StepResult => ({
  sessions,
  sent: 1000,
  received: 1000,
  p50: 1,
  p99: 20,
  serverCpuUsPerBatch: 30,
  generatorCpuUsPerBatch: 20,
  sentPercent: 100,
  ...figures,
});
const capacity = (result: Omit<CapacityResult, 'ended'>): CapacityResult => ({ ended: 'test', ...result });

test('a bare relay that held every step leaves the capacity unknown, judged missed', () => {
  const relay = capacity({ steps: [step(100), step(200)], capacity: 200, bound: 'at least' });
  const product = capacity({ steps: [step(100), step(200, { p99: 150 })], capacity: 100, bound: 'exact' });
  const sameCapacity = capacity({ steps: [step(100), step(200)], capacity: 200, bound: 'at least' });
  for (const cobrowse of [product, sameCapacity]) {
    const [verdict] = judgeCapacity({ bareRelay: relay, cobrowse, capacityRatio: 1, cpuPerBatch: null });
    assert.equal(verdict!.met, false);
    assert.match(verdict!.measured, /raise BENCH_LEVELS/);
  }
  // A relay that held no step leaves nothing to compare, whatever the product held.
  const none = capacity({ steps: [step(25, { p99: 500 })], capacity: 0, bound: 'exact' });
  const held = judgeCapacity({ bareRelay: none, cobrowse: sameCapacity, capacityRatio: 0, cpuPerBatch: null })[0]!;
  assert.equal(held.met, false);
  assert.match(held.measured, /held no step/);
  // The same figures with an exact relay capacity are judged on the ratio.
  const exactRelay = { ...relay, bound: 'exact' as const };
  assert.equal(judgeCapacity({ bareRelay: exactRelay, cobrowse: sameCapacity, capacityRatio: 1, cpuPerBatch: null })[0]!.met, true);
});

test('server CPU per batch is compared at the highest step both held, not where the generator gave out or latency failed', () => {
  const relay = capacity({
    steps: [
      step(100, { serverCpuUsPerBatch: 20 }),
      step(200, { serverCpuUsPerBatch: 18 }),
      step(400, { sentPercent: 90, serverCpuUsPerBatch: 10 }),
    ],
    capacity: 200,
    bound: 'at least',
  });
  const product = capacity({
    steps: [
      step(100, { serverCpuUsPerBatch: 40 }),
      step(200, { serverCpuUsPerBatch: 36 }),
      step(400, { p99: 900, serverCpuUsPerBatch: 9 }),
    ],
    capacity: 200,
    bound: 'exact',
  });
  assert.deepEqual(cpuPerBatchRatio(product, relay), { sessions: 200, productUs: 36, relayUs: 18, ratio: 2 });
  const [, cpu] = judgeCapacity({ bareRelay: relay, cobrowse: product, capacityRatio: 1, cpuPerBatch: cpuPerBatchRatio(product, relay) });
  assert.equal(cpu!.met, false);
});

test('latency samples that never arrived and a large page that is not installed miss their targets', () => {
  const latency = judgeBrowserLatency({
    domChange: { p50: 5, p99: Infinity, missing: 2 },
    pointerMove: { p50: 5, missing: 0 },
    busySessions: 200,
  });
  assert.equal(latency[1]!.met, false);
  assert.match(latency[1]!.measured, /2 never arrived/);
  const page = judgeLargePage(null);
  assert.deepEqual(
    page.map((verdict) => [verdict.met, verdict.measured]),
    [
      [false, 'not installed (see bench/README.md)'],
      [false, 'not installed (see bench/README.md)'],
    ],
  );
  // A step left out of a run is missed too.
  assert.ok(judgeTargets({}).every((verdict) => !verdict.met));
});

test('the pre-serialized batch is the text JSON.stringify gives', () => {
  for (const seq of [0, 1, 7, 123, 4567]) {
    const at = 1_765_000_000_000 + seq;
    const expected = JSON.stringify(realisticBatch(seq, 0).events).replace(/"timestamp":\d+/g, `"timestamp":${at}`);
    assert.equal(realisticEventsJson(seq, at), expected);
  }
});

test('the bench customers keep to the widget upload window and merge the frames that wait', () => {
  const uploads: string[] = [];
  const carried = new Map<number, number>();
  const pacer = paceLikeTheWidget(
    (json) => uploads.push(json),
    (seq, frames) => carried.set(seq, frames),
  );
  const frame = (seq: number) => ({ seq, sentAt: 1000 + seq, eventsJson: realisticEventsJson(seq, 5) });
  for (let seq = 0; seq < MAX_UNACKNOWLEDGED_BATCHES + 3; seq++) pacer.send(frame(seq));
  assert.equal(uploads.length, MAX_UNACKNOWLEDGED_BATCHES);
  pacer.acknowledged(1);
  assert.equal(uploads.length, MAX_UNACKNOWLEDGED_BATCHES + 1);
  const merged = JSON.parse(uploads.at(-1)!) as { seq: number; sentAt: number; events: unknown[] };
  // Three frames in one batch, aged from the oldest, named by the newest.
  assert.deepEqual(
    [merged.seq, merged.sentAt, merged.events.length],
    [MAX_UNACKNOWLEDGED_BATCHES + 2, 1000 + MAX_UNACKNOWLEDGED_BATCHES, 9],
  );
  assert.equal(carried.get(MAX_UNACKNOWLEDGED_BATCHES + 2), 3);
});

test('the storm signature tells trees apart by their text, in Chromium', async () => {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    await page.evaluate(INSTALL_SIGNATURE);
    const signature = (html: string) =>
      page.evaluate((markup) => {
        const root = document.createElement('div');
        root.innerHTML = markup;
        return (window as unknown as { benchSignature: (root: Element) => { count: number; hash: number } }).benchSignature(root);
      }, html);
    const list = '<ul class="list"><li class="item">Payment 1</li><li class="item">Payment 2</li></ul>';
    // The same tree signs the same; one that lost a text, or changed one, does not.
    assert.deepEqual(await signature(list), await signature(list));
    assert.notDeepEqual(await signature(list), await signature(list.replace('Payment 2', '')));
    assert.notDeepEqual(await signature(list), await signature(list.replace('Payment 2', 'Payment 3')));
  } finally {
    await browser.close();
  }
});
