import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import type { EventBatch, RecordedEvent } from '../protocol/index.ts';
import { isPackedEvents, unpackEvents } from '../protocol/packed-events.ts';
import { launchBrowser } from './support/browser.ts';

/** The widget's recorder and its packing chunk as the browser runs them, exposed as `window.recording`. */
const bundleRecorder = async () =>
  (
    await build({
      stdin: {
        contents: "export { createRecorder } from './recorder.ts'; export { packEvents } from './pack.ts';",
        resolveDir: new URL('../widget/', import.meta.url).pathname,
        loader: 'ts',
      },
      bundle: true,
      format: 'iife',
      globalName: 'recording',
      write: false,
      target: 'es2022',
    })
  ).outputFiles[0]!.text;

async function fullSnapshotsIn(batches: EventBatch[]): Promise<number> {
  let count = 0;
  for (const batch of batches)
    for (const event of batch.events) {
      const events: RecordedEvent[] = isPackedEvents(event) ? await unpackEvents(event.data.payload) : [event];
      count += events.filter((inner) => inner.type === 2).length;
    }
  return count;
}

describe('the kept snapshot while it is still on its way out', () => {
  let browser: Browser;
  let script = '';
  before(async () => {
    script = await bundleRecorder();
    browser = await launchBrowser();
  });
  after(() => browser?.close());

  it('answers a snapshot request that comes while the first snapshot is being packed with that one, not a second copy', async () => {
    const page = await browser.newPage();
    // Large enough to be packed (over 8 KB of JSON), so the snapshot waits on CompressionStream.
    await page.setContent(`<!doctype html><main>${'<p class="row">A row of the statement</p>'.repeat(2000)}</main>`);
    await page.addScriptTag({ content: script });
    const batches = await page.evaluate(async () => {
      // A slow device (timed on purpose): deflating takes a while, so the snapshot is still being
      // packed when the request comes.
      const Deflate = CompressionStream;
      (window as unknown as { CompressionStream: unknown }).CompressionStream = function (format: CompressionFormat) {
        const inner = new Deflate(format);
        const slow = new TransformStream<Uint8Array, Uint8Array>({
          async transform(chunk, controller) {
            await new Promise((resolve) => setTimeout(resolve, 200));
            controller.enqueue(chunk);
          },
        });
        return { writable: inner.writable, readable: inner.readable.pipeThrough(slow) };
      };
      const sent: unknown[] = [];
      const recording = (window as unknown as { recording: typeof import('../widget/recorder.ts') & typeof import('../widget/pack.ts') })
        .recording;
      // The packing chunk, as the widget would load it; this page has no canvas to ask for.
      const recorder = recording.createRecorder(
        async (batch) => void sent.push(batch),
        async <T>() => recording as T,
      );
      recorder.setOnline(true);
      recorder.start(); // Meta and a full snapshot, sent by the batch timer this turn sets
      await new Promise((resolve) => setTimeout(resolve, 0)); // that timer has run: the snapshot is being packed
      recorder.snapshot(); // an agent asks now
      // Once the first batch is out, the page changes: that change is sent after anything queued
      // before it, so a second snapshot, were there one, has been sent once the change has.
      for (let waited = 0; sent.length === 0 && waited < 20_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
      document.querySelector('main')!.insertAdjacentHTML('beforeend', '<p>Changed after the request</p>');
      for (let waited = 0; !JSON.stringify(sent).includes('Changed after the request') && waited < 20_000; waited += 50)
        await new Promise((resolve) => setTimeout(resolve, 50));
      recorder.stop();
      return sent;
    });
    assert.ok(batches.length > 0, 'the snapshot was sent');
    assert.ok(JSON.stringify(batches).includes('Changed after the request'), 'the change after it was sent');
    assert.equal(await fullSnapshotsIn(batches as EventBatch[]), 1, 'one snapshot: the one on its way out');
    await page.close();
  });
});
