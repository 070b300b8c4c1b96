import assert from 'node:assert/strict';
import { before, describe, it, type TestContext } from 'node:test';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { CANVAS_FRAME_EVENT_TAG, type CanvasFrame } from '../protocol/messages.ts';
import { updateSiteSettings } from '../server/settings/site-settings.ts';
import { CANVAS_BYTES_PER_SECOND, CANVAS_FRAME_INTERVAL_MS, MAX_CANVAS_FRAME_BYTES } from '../widget/canvas/index.ts';
import { buildChunk, buildWidget } from '../widget/build.ts';
import { readRecording } from '../server/recording/recording-writer.ts';
import { captureUploads, signInAs } from './support/browser.ts';
import { agentJoins, agentView, browserSuite, startOnPage } from './support/cobrowse-pages.ts';
import { withUnpacked } from './support/packed-frames.ts';
import { differentPixels } from './support/pixels.ts';
import { siteServer } from './support/site-server.ts';
import { waitFor } from './support/wait-for.ts';

/**
 * A dashboard: a 2D bar chart and a WebGL one (made without `preserveDrawingBuffer`) animating
 * every frame until Stop draws their last frame; a canvas drawn once; a signature pad the admin
 * masks (`canvas.signature`); an inline canvas never drawn on.
 */
const DASHBOARD = `
<style>
  /* Whole-pixel positions: a canvas and its mirror then sample the same pixels. */
  body { margin: 0; padding: 16px; font: 16px/24px sans-serif; }
  h1 { margin: 0; font-size: 24px; line-height: 32px; }
  button { height: 24px; }
  canvas { display: block; margin: 8px 0; }
</style>
<h1 data-testid="title">Sales</h1>
<button data-testid="stop" onclick="stopCharts()">Stop</button>
<canvas data-testid="chart" width="320" height="160"></canvas>
<canvas data-testid="gl" width="160" height="120"></canvas>
<canvas data-testid="idle" width="100" height="100"></canvas>
<canvas data-testid="signature" class="signature" width="200" height="80"></canvas>
<span data-testid="after-blank"><canvas data-testid="blank" width="120" height="30"></canvas>After</span>
<script>
  let tick = 0;
  let running = true;
  const chart = document.querySelector('[data-testid=chart]').getContext('2d');
  const gl = document.querySelector('[data-testid=gl]').getContext('webgl');
  function drawChart(t) {
    chart.fillStyle = '#fff';
    chart.fillRect(0, 0, 320, 160);
    for (let i = 0; i < 8; i++) {
      const h = 20 + ((i * 37 + t * 3) % 120);
      chart.fillStyle = 'hsl(' + i * 45 + ', 70%, 50%)';
      chart.fillRect(10 + i * 38, 160 - h, 28, h);
    }
  }
  function drawGl(t) {
    gl.disable(gl.SCISSOR_TEST);
    gl.clearColor(0.1, 0.1, 0.2, 1);
    gl.clear(gl.COLOR_BUFFER_BIT);
    gl.enable(gl.SCISSOR_TEST);
    for (let i = 0; i < 4; i++) {
      gl.scissor(10 + i * 38, 0, 28, 10 + ((i * 29 + t * 2) % 100));
      gl.clearColor(i / 4, 0.8, 1 - i / 4, 1);
      gl.clear(gl.COLOR_BUFFER_BIT);
    }
  }
  function frame() {
    if (!running) return;
    tick++;
    drawChart(tick);
    drawGl(tick);
    requestAnimationFrame(frame);
  }
  requestAnimationFrame(frame);
  function stopCharts() {
    running = false;
    tick += 7;
    drawChart(tick);
    drawGl(tick);
  }
  const idle = document.querySelector('[data-testid=idle]').getContext('2d');
  idle.fillStyle = '#0a7';
  idle.fillRect(0, 0, 100, 100);
  const signature = document.querySelector('.signature').getContext('2d');
  signature.fillStyle = '#f0f';
  signature.fillRect(0, 0, 200, 80);
  signature.fillStyle = '#000';
  signature.fillRect(20, 30, 160, 6);
</script>`;

/**
 * A large canvas of fresh noise every frame: WebP cannot shrink noise, so even its smallest
 * encoding sent at every interval would outrun the byte rate, which alone holds it back.
 */
const NOISE = `
<h1 data-testid="title">Noise</h1>
<canvas data-testid="noise" width="960" height="720"></canvas>
<script>
  const noise = document.querySelector('canvas').getContext('2d');
  const image = noise.createImageData(960, 720);
  const words = new Uint32Array(image.data.buffer);
  let seed = 1;
  (function draw() {
    for (let i = 0; i < words.length; i++) {
      seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
      words[i] = seed | 0xff000000;
    }
    noise.putImageData(image, 0, 0);
    requestAnimationFrame(draw);
  })();
</script>`;

/** A canvas frame seen on the wire, with when it was seen and the size of its image. */
interface WireFrame {
  frame: CanvasFrame;
  size: string;
}

function framesIn(value: unknown, found: CanvasFrame[]): CanvasFrame[] {
  if (Array.isArray(value)) value.forEach((item) => framesIn(item, found));
  else if (typeof value === 'object' && value !== null) {
    const record = value as { tag?: unknown; payload?: unknown };
    if (record.tag === CANVAS_FRAME_EVENT_TAG) found.push(record.payload as CanvasFrame);
    else Object.values(record).forEach((item) => framesIn(item, found));
  }
  return found;
}

/**
 * Every canvas frame the customer's page uploaded so far (packed batches inflated), each with its
 * image's size as Chromium decodes it (in `scratch`): the canvases on the test pages differ in size.
 */
async function wireFrames(uploads: string[], scratch: Page, decoded: Map<string, string>): Promise<WireFrame[]> {
  const frames = (await withUnpacked(uploads)).texts
    .filter((text) => text.includes(CANVAS_FRAME_EVENT_TAG))
    .flatMap((text) => framesIn(JSON.parse(text), []));
  const fresh = frames.filter((frame) => !decoded.has(frame.data));
  const sizes = await scratch.evaluate(
    (images) =>
      Promise.all(
        images.map(async ([type, data]) => {
          const bitmap = await createImageBitmap(await (await fetch(`data:${type};base64,${data}`)).blob());
          return `${bitmap.width}x${bitmap.height}`;
        }),
      ),
    fresh.map((frame) => [frame.type, frame.data] as const),
  );
  fresh.forEach((frame, index) => decoded.set(frame.data, sizes[index]!));
  return frames.map((frame) => ({ frame, size: decoded.get(frame.data)! }));
}

/** The share of pixels of two element screenshots that differ; 1 when their sizes differ. */
async function mismatch(scratch: Page, mirrored: Locator, original: Locator): Promise<number> {
  const { different, total, sameSize } = await differentPixels(scratch, await mirrored.screenshot(), await original.screenshot());
  return sameSize ? different / total : 1;
}

describe('canvases in the agent’s view', () => {
  const suite = browserSuite();
  const site = siteServer();
  before(() => Promise.all([buildWidget(), buildChunk('canvas')]));

  /** The customer opens the page and starts co-browse; an agent joins and sees it. The agent leaves when the test ends, if still in the session. */
  async function session(t: TestContext, path: string, body: string) {
    site.serve({ [path]: body }, suite.server.url);
    const customer = await suite.newPage(800, 600);
    const agent = await suite.newPage(1440, 1000);
    const scratch = await suite.newPage(200, 200);
    const uploads = captureUploads(customer);
    await customer.goto(`${site.origin}${path}`);
    const code = await startOnPage(customer);
    await agentJoins(agent, suite.server.url, code);
    // Unless the session already ended (the customer left).
    t.after(async () => (await agent.getByTestId('exit-session').isVisible()) && (await agent.getByTestId('exit-session').click()));
    const view: FrameLocator = agentView(agent);
    await waitFor(() => view.getByTestId('title').count(), 'the page in the agent view');
    const decoded = new Map<string, string>();
    return { code, customer, agent, view, scratch, frames: () => wireFrames(uploads, scratch, decoded) };
  }

  it('mirrors a 2D chart and a WebGL chart while they change, and shows their last frame pixel for pixel', async (t) => {
    await updateSiteSettings(suite.server.deps.db, { allowedOrigins: [site.origin], maskedCanvasSelectors: [] });
    const { customer, view, scratch } = await session(t, '/t/dashboard', DASHBOARD);

    // While they animate, the agent's copies change too.
    for (const testId of ['chart', 'gl']) {
      const mirrored = view.getByTestId(testId);
      const changed = (from: Buffer) => async () => {
        const shot = await mirrored.screenshot();
        return (await differentPixels(scratch, from, shot)).different > 0 ? shot : null;
      };
      const drawn = await waitFor(changed(await mirrored.screenshot()), `the ${testId} drawn in the agent view`);
      await waitFor(changed(drawn), `the agent’s ${testId} moving`);
    }

    // A canvas never drawn on sends no frame, yet takes its place and size in the line as the customer's does.
    const box = async (page: Page | FrameLocator, testId: string) => {
      const { x, y, width, height } = (await page.getByTestId(testId).boundingBox())!;
      const origin = (await page.getByTestId('title').boundingBox())!;
      return [x - origin.x, y - origin.y, width, height].map(Math.round);
    };
    for (const testId of ['blank', 'after-blank'])
      assert.deepEqual(await box(view, testId), await box(customer, testId), `where the ${testId} is`);

    // Stopped on a last frame, each shows the customer's pixels.
    await customer.getByTestId('stop').click();
    for (const testId of ['chart', 'gl', 'idle'])
      await waitFor(
        async () => (await mismatch(scratch, view.getByTestId(testId), customer.getByTestId(testId))) <= 0.01,
        `the agent’s ${testId} showing the customer’s last frame`,
      );
  });

  it('sends an idle canvas once, and an animating one at most every frame interval', async (t) => {
    await updateSiteSettings(suite.server.deps.db, { allowedOrigins: [site.origin], maskedCanvasSelectors: [] });
    const { frames } = await session(t, '/t/dashboard', DASHBOARD);
    const count = async (size: string) => (await frames()).filter((frame) => frame.size === size).length;

    await waitFor(async () => (await count('100x100')) >= 1, 'the idle canvas’s first frame');
    const idleFrames = await count('100x100');
    const chartBefore = await count('320x160');
    const startedAt = Date.now();
    // Twenty more frames of the chart: the idle canvas stays quiet all along.
    await waitFor(async () => (await count('320x160')) >= chartBefore + 20, 'twenty more chart frames');
    const seconds = (Date.now() - startedAt) / 1000;
    assert.equal(await count('100x100'), idleFrames, 'the idle canvas sent again');

    // The chart draws 60 frames a second; the agent gets them at the interval's pace, at least 4 a second.
    const rate = ((await count('320x160')) - chartBefore) / seconds;
    assert.ok(rate <= 1000 / CANVAS_FRAME_INTERVAL_MS + 1, `the chart sent ${rate.toFixed(1)} frames a second`);
    assert.ok(rate >= 4, `the chart reached the agent at only ${rate.toFixed(1)} frames a second`);
  });

  it('holds a canvas that changes every pixel every frame to the byte rate', async (t) => {
    await updateSiteSettings(suite.server.deps.db, { allowedOrigins: [site.origin], maskedCanvasSelectors: [] });
    const { frames } = await session(t, '/t/noise', NOISE);
    const bytes = async () => (await frames()).reduce((sum, { frame }) => sum + frame.data.length, 0);

    await waitFor(async () => (await frames()).length >= 2, 'the noise canvas’s first frames');
    const [startBytes, startFrames, startedAt] = [await bytes(), (await frames()).length, Date.now()];
    await waitFor(async () => (await bytes()) - startBytes >= 4 * CANVAS_BYTES_PER_SECOND, 'four seconds’ worth of frames', 30_000);
    const seconds = (Date.now() - startedAt) / 1000;
    const sent = (await bytes()) - startBytes;
    const sentFrames = (await frames()).length - startFrames;
    // At most a second's allowance and a frame in flight above the rate, over the whole window.
    assert.ok(sent <= CANVAS_BYTES_PER_SECOND * (seconds + 1) + MAX_CANVAS_FRAME_BYTES, `${sent} base64 bytes in ${seconds} s`);
    // The byte rate, not the frame interval, is what held it back: at every interval these frames would be more.
    const frameBytes = sent / Math.max(1, sentFrames);
    assert.ok(frameBytes * (1000 / CANVAS_FRAME_INTERVAL_MS) > CANVAS_BYTES_PER_SECOND, `frames of ${Math.round(frameBytes)} bytes`);
    assert.ok(sentFrames / seconds < 1000 / CANVAS_FRAME_INTERVAL_MS - 1, `${sentFrames} frames in ${seconds} s`);
    for (const { frame } of await frames()) assert.ok(frame.data.length <= MAX_CANVAS_FRAME_BYTES, 'a frame over the size limit');
  });

  it('shows a masked canvas as a grey box of its size and never sends its pixels', async (t) => {
    await updateSiteSettings(suite.server.deps.db, { allowedOrigins: [site.origin], maskedCanvasSelectors: [] });
    // The admin masks the signature pad on /admin; a bad selector is refused by name first.
    const admin = await suite.newPage(1400, 1000);
    await signInAs(admin, suite.server.url, 'admin@example.com', '/admin');
    for (const [value, message] of [
      ['canvas[', /Masked canvases: "canvas\[" is not a valid CSS selector/],
      ['canvas.signature', /Saved/],
    ] as const) {
      await admin.getByTestId('admin-maskedCanvasSelectors').fill(value);
      await admin.getByTestId('admin-save').click();
      await waitFor(async () => message.test((await admin.getByTestId('admin-message').textContent()) ?? ''), `the message ${message}`);
    }
    const { view, frames } = await session(t, '/t/dashboard', DASHBOARD);

    // A masked element keeps no attributes but its class: it is found by that.
    const signature = view.locator('canvas.signature');
    await waitFor(async () => (await signature.getAttribute('data-cobrowse-masked')) === 'image', 'the signature marked masked');
    assert.equal(await signature.evaluate((element) => getComputedStyle(element).backgroundColor), 'rgb(209, 213, 219)');
    const box = await signature.boundingBox();
    assert.deepEqual([box?.width, box?.height], [200, 80]);

    // The control: the other canvases' frames are on the wire, seen by the same capture.
    await waitFor(async () => {
      const sizes = new Set((await frames()).map((frame) => frame.size));
      return sizes.has('320x160') && sizes.has('160x120') && sizes.has('100x100');
    }, 'frames of the chart, the WebGL chart and the idle canvas on the wire');
    const sizes = (await frames()).map((frame) => frame.size);
    assert.ok(!sizes.includes('200x80'), 'a frame of the masked signature left the browser');
  });

  it('shows the frames in a supervisor’s replay of the recorded session', async (t) => {
    await updateSiteSettings(suite.server.deps.db, { allowedOrigins: [site.origin], maskedCanvasSelectors: [], recordingEnabled: true });
    t.after(() => updateSiteSettings(suite.server.deps.db, { recordingEnabled: false }));
    const { code, customer, view, scratch } = await session(t, '/t/dashboard', DASHBOARD);
    await customer.getByTestId('stop').click();
    const lastFrame = async (frame: FrameLocator) =>
      (await mismatch(scratch, frame.getByTestId('chart'), customer.getByTestId('chart'))) <= 0.01;
    await waitFor(() => lastFrame(view), 'the chart’s last frame in the agent view');
    const { id } = await suite.server.deps.db.session.findUniqueOrThrow({ where: { code } });
    await waitFor(async () => {
      await suite.server.deps.recordings.flush(id);
      return JSON.stringify(await readRecording(suite.server.deps.db, id)).length > 0;
    }, 'the session recorded');
    await customer.getByTestId('cobrowse-exit').click();

    const supervisor = await suite.newPage(1440, 1000);
    await signInAs(supervisor, suite.server.url, 'supervisor@example.com', `/supervisor/replay?session=${id}`);
    const replay = supervisor.frameLocator('[data-testid=replay-view] iframe');
    await replay.getByTestId('chart').waitFor();
    await supervisor.getByTestId('replay-play').click();
    await waitFor(() => lastFrame(replay), 'the chart’s last frame in the replay');
  });
});
