import WebSocket from 'ws';
import { MAX_UNACKNOWLEDGED_BATCHES, type BatchAck, type BatchError } from '../../protocol/uploads.ts';
import { waitFor } from './wait-for.ts';

type Frame = { type: string; id?: string; count?: BatchAck['count']; payload?: BatchError['payload'] };

/** A graphql-transport-ws socket driven by hand: every frame it gets is kept, uploads are raw bytes. */
export async function rawSocket(url: string, options: { customerToken?: string; cookie?: string; address?: string } = {}) {
  const headers: Record<string, string> = { origin: url };
  if (options.cookie) headers.cookie = options.cookie;
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/api/graphql`, 'graphql-transport-ws', {
    headers,
    localAddress: options.address,
  });
  const frames: Frame[] = [];
  let closed: { code: number; reason: string } | undefined;
  socket.on('message', (data) => frames.push(JSON.parse(String(data)) as Frame));
  socket.on('close', (code, reason) => (closed = { code, reason: String(reason) }));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const connection = {
    frames,
    closed: () => closed,
    /** Sends connection_init without waiting for the answer. */
    sendInit: () =>
      socket.send(
        JSON.stringify({ type: 'connection_init', payload: options.customerToken ? { customerToken: options.customerToken } : {} }),
      ),
    init: async () => {
      connection.sendInit();
      await waitFor(() => frames.some((frame) => frame.type === 'connection_ack'), 'the connection acknowledged');
    },
    acknowledged: () => frames.some((frame) => frame.type === 'connection_ack'),
    upload: (data: string | Buffer) => socket.send(typeof data === 'string' ? Buffer.from(data) : data, { binary: true }),
    /** Uploads as the widget does: never more than the window unacknowledged. */
    async uploadPaced(data: string[]) {
      for (let sent = 0; sent < data.length; sent++) {
        await waitFor(() => sent - (connection.acks().at(-1) ?? 0) < MAX_UNACKNOWLEDGED_BATCHES, 'room in the window');
        connection.upload(data[sent]!);
      }
    },
    errors: () => frames.filter((frame) => frame.type === 'batch-error').map((frame) => frame.payload!),
    acks: () => frames.filter((frame) => frame.type === 'batch-ack').map((frame) => frame.count!),
    close: () => socket.close(),
  };
  return connection;
}
