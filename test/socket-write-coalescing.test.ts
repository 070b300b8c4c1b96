import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import type WebSocket from 'ws';
import { createFrameWriters, EARLY_ACK_BYTES, type FrameWriter } from '../server/http/coalesce-socket-writes.ts';
import { localSocketPairs, rawSocket } from './support/socket-pair.ts';

/** graphql-ws sends a frame, waits for its write callback, then sends the next: so do these real sockets. */
describe('coalesced socket writes', () => {
  const { connect } = localSocketPairs();
  const frameWriterFor = createFrameWriters();
  const writerOf = (socket: WebSocket) => frameWriterFor(socket, rawSocket(socket));
  /** Sends like graphql-ws: the second frame only after the first one's callback. */
  const sendPair = (write: FrameWriter, first: string, second: string) =>
    new Promise<void>((done, fail) =>
      write(first, (error) => (error ? fail(error) : write(second, (again) => (again ? fail(again) : done())))),
    );

  it('puts a result and its completion, sent one after the other, in one write', async () => {
    const { client, server } = await connect();
    const write = writerOf(server);
    // Counts the system writes of the server's end (net.Socket hands each one to _write or _writev).
    const tcp = rawSocket(server) as unknown as Record<'_write' | '_writev', (...args: unknown[]) => void>;
    let writes = 0;
    for (const method of ['_write', '_writev'] as const) {
      const original = tcp[method].bind(tcp);
      tcp[method] = (...args) => (writes++, original(...args));
    }
    const received: string[] = [];
    client.on('message', (data) => received.push(String(data)));
    const pairs = 20;
    for (let i = 0; i < pairs; i++) {
      await sendPair(write, `{"id":"${i}","type":"next"}`, `{"id":"${i}","type":"complete"}`);
      await new Promise((resolve) => setTimeout(resolve, 2)); // the next operation comes in a later turn
    }
    while (received.length < pairs * 2) await once(client, 'message');
    assert.equal(received[1], '{"id":"0","type":"complete"}', 'frames keep their order');
    assert.equal(writes, pairs, 'one write per pair, not one per frame');
    client.close();
  });

  it('gives a socket that falls behind its real write callbacks back (graphql-ws backpressure)', async () => {
    const { client, server } = await connect();
    rawSocket(client).pause(); // a reader that stopped reading: the server's unsent bytes pile up
    const big = 'x'.repeat(64 * 1024);
    let acknowledged = 0;
    // More than the kernel's buffers and EARLY_ACK_BYTES can hold.
    const write = writerOf(server);
    for (let i = 0; i < 200; i++) write(big, () => acknowledged++);
    // Kept as a wait: a reader stalled for a while is the case under test; all the kernel takes
    // meanwhile is acknowledged, the rest is not.
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.ok(server.bufferedAmount >= EARLY_ACK_BYTES, `buffered ${server.bufferedAmount}`);
    assert.ok(acknowledged < 200, `${acknowledged} of 200 frames acknowledged while the reader is stalled`);
    rawSocket(client).resume();
    while (acknowledged < 200) await new Promise((resolve) => setTimeout(resolve, 20));
    client.close();
  });
});
