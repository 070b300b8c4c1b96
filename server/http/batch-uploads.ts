import type { WebSocket } from 'ws';
import type { FrameWriter } from './coalesce-socket-writes.ts';
import type { GraphQLContext } from '../../graphql/context.ts';
import { badInput, type AppError } from '../core/errors.ts';
import type { Config } from '../core/config.ts';
import { uploadBytesLimit } from '../limits/public-surface-limits.ts';
import { asGraphQLError, formatError } from '../../graphql/errors.ts';
import { takeCustomerBatch } from '../../graphql/schema/stream/take-customer-batch.ts';
import { MAX_BATCH_BYTES } from '../../protocol/index.ts';
import { BATCH_ACK_INTERVAL_MS, MAX_QUEUED_UPLOADS } from '../../protocol/uploads.ts';
import { StreamCloseCode } from '../../protocol/close-codes.ts';
import { closeFloodingSocket } from './socket-limits.ts';

/**
 * Upload bytes a socket pays for at once against its address's budget, so the shared counter (a
 * Redis round trip with several instances) is not touched for each of 30 small batches a second;
 * a frame larger than what is left pays for itself in full. Never more than a second's budget.
 */
const MAX_BYTES_PER_CHARGE = 1024 * 1024;
const bytesPerCharge = (perMinute: number) => Math.min(MAX_BYTES_PER_CHARGE, Math.max(1, Math.floor(perMinute / 60)));

/** A connection's uploads: how many were taken, and those waiting their turn. */
interface Uploads {
  /** The socket's frame writer (graphql-ws-adapter.ts): acknowledgements travel with the turn's other frames. */
  write: FrameWriter;
  taken: number;
  waiting: Buffer[];
  /** Bytes of the waiting frames and of the one being taken: what the socket holds of the server's memory. */
  waitingBytes: number;
  /** Upload bytes already paid for against the address's budget. */
  byteCredit: number;
  draining: boolean;
}

/** An acknowledged connection, as graphql-ws-server.ts keeps it. */
export interface Uploader {
  context: GraphQLContext;
  /** Rights taken away since the socket connected (sign-out, an ended session…), as for every operation. */
  recheck: () => Promise<AppError | null>;
}

/**
 * Event batches the widget uploads as binary frames on its graphql-ws socket (protocol/uploads.ts):
 * the work of a `sendEvents` mutation without a result and a completion frame for each of the 30
 * a second a busy customer sends (a quarter of a batch's server time in the capacity benchmark:
 * 125 µs as a mutation, 96 as an upload). Each is taken in the order it came. A refused one is
 * answered at once with why; the rest are acknowledged together, by count, every
 * BATCH_ACK_INTERVAL_MS — the window the widget paces itself by, so a server that falls behind
 * slows its customers down instead of queueing.
 */
export function createBatchUploads(config: Pick<Config, 'maxUploadBytesWaitingPerSocket' | 'uploadBytesPerAddressPerMinute'>) {
  const uploadsOf = new WeakMap<WebSocket, Uploads>();
  const unacknowledged = new Set<WebSocket>();
  const acknowledge = () => {
    for (const socket of unacknowledged)
      if (socket.readyState === socket.OPEN) {
        const uploads = uploadsOf.get(socket)!;
        uploads.write(`{"type":"batch-ack","count":${uploads.taken}}`);
      }
    unacknowledged.clear();
  };
  const acknowledging = setInterval(acknowledge, BATCH_ACK_INTERVAL_MS).unref();

  /** Charges a frame's length to its address before anything reads it; throws RATE_LIMITED past the budget. */
  async function chargeBytes(uploads: Uploads, context: GraphQLContext, length: number) {
    if (uploads.byteCredit >= length) {
      uploads.byteCredit -= length;
      return;
    }
    const charge = Math.max(length - uploads.byteCredit, bytesPerCharge(config.uploadBytesPerAddressPerMinute));
    await uploadBytesLimit(context).consume(context.clientAddress, charge);
    uploads.byteCredit += charge - length;
  }

  async function takeOne(socket: WebSocket, { context, recheck }: Uploader, sessionId: string, data: Buffer, uploads: Uploads) {
    try {
      if (data.length > MAX_BATCH_BYTES) throw badInput(`An event batch is at most ${MAX_BATCH_BYTES} bytes.`);
      await chargeBytes(uploads, context, data.length);
      const json = data.toString();
      let batch: unknown;
      try {
        batch = JSON.parse(json);
      } catch {
        throw badInput('Bad event batch: not JSON.');
      }
      const revoked = await recheck();
      if (revoked) throw revoked;
      await takeCustomerBatch(context, sessionId, batch, json);
    } catch (error) {
      const payload = formatError(asGraphQLError(error)).toJSON();
      if (socket.readyState === socket.OPEN) uploadsOf.get(socket)!.write(JSON.stringify({ type: 'batch-error', payload }));
    } finally {
      uploadsOf.get(socket)!.taken++;
      unacknowledged.add(socket);
    }
  }

  /** Takes a connection's waiting uploads one after the other, in the order they came. */
  async function drain(socket: WebSocket, uploader: Uploader, sessionId: string, uploads: Uploads) {
    uploads.draining = true;
    for (let data = uploads.waiting.shift(); data; data = uploads.waiting.shift()) {
      await takeOne(socket, uploader, sessionId, data, uploads);
      uploads.waitingBytes -= data.length;
    }
    uploads.draining = false;
  }

  return {
    /** An upload on `socket`; `uploader` is undefined until graphql-ws acknowledged the connection. */
    take(socket: WebSocket, write: FrameWriter, uploader: Uploader | undefined, data: Buffer) {
      // ws still hands over frames that arrived after the socket was closed: they are not taken.
      if (socket.readyState !== socket.OPEN) return;
      const sessionId = uploader?.context.viewer.customerSessionId;
      // Only a customer's acknowledged socket uploads; anything else is a client that does not speak the protocol.
      if (!uploader || !sessionId) return socket.close(StreamCloseCode.NOT_A_CUSTOMER, 'Only a session’s customer uploads event batches.');
      let uploads = uploadsOf.get(socket);
      if (!uploads) uploadsOf.set(socket, (uploads = { write, taken: 0, waiting: [], waitingBytes: 0, byteCredit: 0, draining: false }));
      // Each waiting frame holds its bytes: a client that ignores the window is cut off, not buffered,
      // by count (many small frames) and by bytes (a few large ones).
      uploads.waitingBytes += data.length;
      if (uploads.waiting.push(data) > MAX_QUEUED_UPLOADS || uploads.waitingBytes > config.maxUploadBytesWaitingPerSocket) {
        for (const dropped of uploads.waiting.splice(0)) uploads.waitingBytes -= dropped.length;
        return closeFloodingSocket(socket, 'Too many event batches at once.');
      }
      if (!uploads.draining) void drain(socket, uploader, sessionId, uploads);
    },
    dispose: () => clearInterval(acknowledging),
  };
}
