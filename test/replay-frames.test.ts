import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FRAME_EVENTS_TAG, type RecordedEvent } from '../protocol/messages.ts';
import { packedJson, packEvents } from '../protocol/packed-events.ts';
import { frameReplayEvents, isFrameEvents, SHARED_FRAME_ATTRIBUTE } from '../app/lib/replay-frames.ts';

const BASE = 2 ** 32 + 7 * 2 ** 21; // the range of the frame whose iframe is node 7
const frameEvent = (events: unknown[], frame: unknown = 7): RecordedEvent => ({
  type: 5,
  timestamp: 1,
  data: { tag: FRAME_EVENTS_TAG, payload: { frame, events } },
});
const snapshot = {
  type: 2,
  timestamp: 2,
  data: {
    node: {
      type: 0,
      id: 1,
      childNodes: [{ type: 2, id: 2, tagName: 'html', attributes: {}, childNodes: [{ type: 3, id: 3, textContent: 'Pay' }] }],
    },
  },
};

describe('a frame’s events in the agent’s view', () => {
  it('attaches its snapshot to the iframe, ids moved into its range, and ends the placeholder', async () => {
    const [attach, shared] = await frameReplayEvents(frameEvent([{ type: 4, timestamp: 1, data: { href: 'x' } }, snapshot]));
    assert.equal(isFrameEvents(frameEvent([])), true);
    const data = attach!.data as {
      adds: { parentId: number; node: { id: number; childNodes: { id: number; rootId: number }[] } }[];
      isAttachIframe: boolean;
    };
    assert.equal(data.isAttachIframe, true);
    assert.equal(data.adds[0]!.parentId, 7);
    assert.equal(data.adds[0]!.node.id, BASE + 1);
    assert.deepEqual([data.adds[0]!.node.childNodes[0]!.id, data.adds[0]!.node.childNodes[0]!.rootId], [BASE + 2, BASE + 1]);
    assert.deepEqual((shared!.data as { attributes: unknown[] }).attributes, [{ id: 7, attributes: { [SHARED_FRAME_ATTRIBUTE]: '' } }]);
  });

  it('moves the ids of changes, inflates packed events, and drops what a frame has no business sending', async () => {
    const packed = (await packEvents([snapshot as RecordedEvent], packedJson([snapshot as RecordedEvent])))!;
    const events = await frameReplayEvents(
      frameEvent([
        packed,
        {
          type: 3,
          timestamp: 3,
          data: {
            source: 0,
            adds: [{ parentId: 2, nextId: null, node: { type: 3, id: 9, textContent: 'x' } }],
            removes: [{ parentId: 2, id: 3 }],
            texts: [{ id: 9, value: 'y' }],
            attributes: [],
          },
        },
        { type: 3, timestamp: 4, data: { source: 5, id: 9, text: 'z', isChecked: false } },
        { type: 3, timestamp: 5, data: { source: 4, width: 1, height: 1 } }, // the frame's viewport
        { type: 5, timestamp: 6, data: { tag: 'anything', payload: {} } },
        { type: 3, timestamp: 7, data: { source: 5, id: 2 ** 22, text: 'out of range' } },
      ]),
    );
    assert.equal(events.length, 4);
    const change = events[2]!.data as {
      adds: { parentId: number; nextId: null; node: { id: number; rootId: number } }[];
      removes: { id: number }[];
      texts: { id: number }[];
    };
    assert.deepEqual(
      [change.adds[0]!.parentId, change.adds[0]!.nextId, change.adds[0]!.node.id, change.adds[0]!.node.rootId],
      [BASE + 2, null, BASE + 9, BASE + 1],
    );
    assert.deepEqual([change.removes[0]!.id, change.texts[0]!.id], [BASE + 3, BASE + 9]);
    assert.equal((events[3]!.data as { id: number }).id, BASE + 9);
  });

  it('takes nothing from a malformed event', async () => {
    for (const frame of [0, -1, 1.5, '7', 2 ** 40]) assert.deepEqual(await frameReplayEvents(frameEvent([snapshot], frame)), []);
    assert.deepEqual(
      await frameReplayEvents({ type: 5, timestamp: 1, data: { tag: FRAME_EVENTS_TAG, payload: { frame: 7, events: 'x' } } }),
      [],
    );
  });
});
