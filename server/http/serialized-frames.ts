import { randomBytes } from 'node:crypto';
import type { ExecutionResult } from 'graphql';
import type { WebSocket } from 'ws';
import type { OperationRoot } from '../../graphql/operation-root.ts';
import { messageJson } from '../core/pubsub/message-json.ts';
import { EARLY_ACK_BYTES, type FrameWriter } from './coalesce-socket-writes.ts';

/**
 * A session-stream event reaches its agent as a frame built around the message's JSON, made once
 * (server/core/pubsub/message-json.ts), instead of graphql-ws serializing the message again for every
 * subscriber — and a second time when a backlog had already measured it. graphql-ws serializes the
 * frame's envelope with JSON.stringify; the message's place in it holds a token, unguessable per
 * process and numbered per message, that the socket's writer swaps for the JSON kept under that
 * number. The envelope of such a result always ends with `{"sessionStream":"<token>"}}}`, so only
 * that tail is looked at, never a string a client chose. test/graphql-ws-contract.test.ts holds
 * graphql-ws to the serializing this relies on.
 */
const TOKEN_PREFIX = `cobrowse-json-${randomBytes(16).toString('hex')}-`;
const TOKEN_QUOTED = `"${TOKEN_PREFIX}`;
const STREAM_FIELD = 'sessionStream';

/** Messages' JSON by token number, from graphql-ws's serializing to the writer; each is taken once. */
const serialized = new Map<number, string>();
let lastToken = 0;
/**
 * graphql-ws hands every frame it serializes to the writer at once, so only a handful wait at any
 * time; past this many the oldest is dropped, so a frame that never reached a writer cannot hold
 * its message's JSON for good.
 */
const MAX_WAITING = 1024;

class SerializedMessage {
  constructor(private readonly json: string) {}
  toJSON() {
    const token = ++lastToken;
    serialized.set(token, this.json);
    serialized.delete(token - MAX_WAITING);
    return `${TOKEN_PREFIX}${token}`;
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

/** For the socket's writer: the frame with the message's JSON in place of its token, if it holds one. */
export function spliceSerializedMessage(frame: string): string {
  const at = frame.endsWith('"}}}') ? frame.lastIndexOf(TOKEN_QUOTED) : -1;
  if (at < 0) return frame;
  const token = Number(frame.slice(at + TOKEN_QUOTED.length, -4));
  const json = serialized.get(token);
  if (json === undefined) return frame;
  serialized.delete(token);
  return `${frame.slice(0, at)}${json}}}}`;
}

/**
 * A subscription's results written straight to its socket as graphql-transport-ws `next` frames
 * (graphql/operation-root.ts), past graphql-ws's per-result iteration, hooks and serializing: a
 * tenth of an event's server time in the capacity benchmark. Only while the socket keeps up, the
 * same bound under which its frames count as sent at once (coalesce-socket-writes.ts).
 */
export function directResults(socket: WebSocket, write: FrameWriter, id: string): Required<OperationRoot> {
  const opening = `{"id":${JSON.stringify(id)},"type":"next","payload":{"data":`;
  return {
    nextResult(dataJson) {
      if (socket.readyState !== socket.OPEN || socket.bufferedAmount >= EARLY_ACK_BYTES) return false;
      write(`${opening}${dataJson}}}`);
      return true;
    },
  };
}
