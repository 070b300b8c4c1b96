import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canvasFrame } from '../app/agent/canvas-frames.ts';
import { CANVAS_FRAME_EVENT_TAG } from '../protocol/messages.ts';

const event = (payload: unknown, tag: unknown = CANVAS_FRAME_EVENT_TAG) => ({ type: 5, timestamp: 0, data: { tag, payload } });

describe('canvas frames in the agent’s view', () => {
  it('reads a frame the widget sends', () => {
    const frame = { id: 42, type: 'image/webp', data: 'UklGRg==' };
    assert.deepEqual(canvasFrame(event(frame)), frame);
  });

  it('ignores what is not a frame it can show, rather than act on it', () => {
    for (const payload of [
      null,
      'frame',
      { id: '42', type: 'image/webp', data: 'x' },
      { id: 1.5, type: 'image/webp', data: 'x' },
      { id: 42, type: 'image/webp', data: 7 },
      // An SVG image could name addresses the agent's browser would fetch.
      { id: 42, type: 'image/svg+xml', data: 'PHN2Zz4=' },
      { id: 42, type: 'text/html', data: 'x' },
    ])
      assert.equal(canvasFrame(event(payload)), null, JSON.stringify(payload));
    assert.equal(canvasFrame(event({ id: 42, type: 'image/webp', data: 'x' }, 'cobrowse-packed')), null);
    assert.equal(canvasFrame({ type: 3, timestamp: 0, data: { tag: CANVAS_FRAME_EVENT_TAG } }), null);
  });
});
