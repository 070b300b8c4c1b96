import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { estimateBytes } from '../server/core/pubsub/subscribe-to-topics.ts';
import { serializedStreamResult, spliceSerializedMessage } from '../server/http/serialized-frames.ts';

// What graphql-ws does with onNext's result: serialize the envelope, then hand it to the socket's send.
const frameOf = (id: string, payload: unknown) => spliceSerializedMessage(JSON.stringify({ id, type: 'next', payload }));

describe('stream frames built around a message serialized once', () => {
  const message = { type: 'events', batch: { seq: 1, sentAt: 5, events: [{ type: 3, data: { text: 'a "quoted" \u2028 line' } }] } };

  it('sends exactly the frame graphql-ws would have serialized itself', () => {
    const result = { data: { sessionStream: message } };
    const frame = frameOf('7', serializedStreamResult(result));
    assert.equal(frame, JSON.stringify({ id: '7', type: 'next', payload: result }));
    assert.deepEqual(JSON.parse(frame as string), { id: '7', type: 'next', payload: result });
  });

  it('reuses the JSON a backlog measured, for every subscriber of the message', () => {
    const shared = { type: 'events', batch: { seq: 2, sentAt: 6, events: [] } };
    const size = estimateBytes(shared);
    assert.ok(size > JSON.stringify(shared).length);
    for (const id of ['1', '2'])
      assert.equal(
        frameOf(id, serializedStreamResult({ data: { sessionStream: shared } })),
        JSON.stringify({ id, type: 'next', payload: { data: { sessionStream: shared } } }),
      );
  });

  it('leaves results with errors, other fields or scalar values to graphql-ws', () => {
    assert.equal(serializedStreamResult({ data: { sessionStream: message }, errors: [] }), undefined);
    assert.equal(serializedStreamResult({ data: { sessionStream: message, other: 1 } }), undefined);
    assert.equal(serializedStreamResult({ data: { sessionStream: 'text' } }), undefined);
    assert.equal(serializedStreamResult({ data: null }), undefined);
    assert.equal(serializedStreamResult({ data: { health: 'ok' } }), undefined);
  });

  it('never touches a frame that was not built around a message, whatever a client put in it', () => {
    const plain = JSON.stringify({ id: '"}}}', type: 'next', payload: { data: { sessionStream: 'cobrowse-json-' } } });
    assert.equal(spliceSerializedMessage(plain), plain);
    // A token serialized for a frame that was never sent (a closed socket) is not spliced into the next one.
    JSON.stringify({ payload: serializedStreamResult({ data: { sessionStream: message } }) });
    const next = JSON.stringify({ id: '9', type: 'complete' });
    assert.equal(spliceSerializedMessage(next), next);
  });
});
