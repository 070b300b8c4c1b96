import { randomBytes } from 'node:crypto';
import type { ExecutionResult } from 'graphql';
import type { WebSocket } from 'ws';
import type { OperationRoot } from '../../graphql/operation-root.ts';
import { messageJson } from '../core/pubsub/message-json.ts';
import { EARLY_ACK_BYTES } from './coalesce-socket-writes.ts';

/**
 * A session-stream event reaches its agent as a frame built around the message's JSON, made once
 * (server/core/pubsub/message-json.ts), instead of graphql-ws serializing the message again for every
 * subscriber — and a second time when a backlog had already measured it. graphql-ws serializes the
 * frame's envelope; the message's place in it holds a token, unguessable per process, that the
 * socket's send swaps for the JSON. The envelope of such a result always ends with
 * `{"sessionStream":"<token>"}}}`, so only that tail is looked at, never a string a client chose.
 */
const TOKEN = `cobrowse-json-${randomBytes(16).toString('hex')}`;
const TAIL = `${JSON.stringify(TOKEN)}}}}`;
const STREAM_FIELD = 'sessionStream';

/** Set while graphql-ws serializes a frame around a token; graphql-ws sends it right after. */
let pending: string | undefined;

class SerializedMessage {
  constructor(private readonly json: string) {}
  toJSON() {
    pending = this.json;
    return TOKEN;
  }
}

/** For graphql-ws's onNext: a stream event without errors, with its message as JSON made once. */
export function serializedStreamResult(result: ExecutionResult): ExecutionResult | undefined {
  const data = result.data as Record<string, unknown> | null | undefined;
  const message = data?.[STREAM_FIELD];
  if (result.errors || result.extensions || !data || typeof message !== 'object' || message === null) return undefined;
  if (Object.keys(data).length !== 1) return undefined;
  return { data: { [STREAM_FIELD]: new SerializedMessage(messageJson(message)) } };
}

/** For the socket's send: the frame with the message's JSON in place of the token, if it holds one. */
export function spliceSerializedMessage(frame: unknown): unknown {
  const json = pending;
  pending = undefined;
  if (json === undefined || typeof frame !== 'string' || !frame.endsWith(TAIL)) return frame;
  return `${frame.slice(0, -TAIL.length)}${json}}}}`;
}

/**
 * A subscription's results written straight to its socket as graphql-transport-ws `next` frames
 * (graphql/operation-root.ts), past graphql-ws's per-result iteration, hooks and serializing: a
 * tenth of an event's server time in the capacity benchmark. Only while the socket keeps up, the
 * same bound under which its frames count as sent at once (coalesce-socket-writes.ts).
 */
export function directResults(socket: WebSocket, id: string): Required<OperationRoot> {
  const opening = `{"id":${JSON.stringify(id)},"type":"next","payload":{"data":`;
  return {
    nextResult(dataJson) {
      if (socket.readyState !== socket.OPEN || socket.bufferedAmount >= EARLY_ACK_BYTES) return false;
      socket.send(`${opening}${dataJson}}}`);
      return true;
    },
  };
}
