/**
 * A published message's JSON, made once however many need it: a subscriber's backlog is measured
 * by it, Redis carries it, and the agent's socket frame is built around it (server/http/
 * serialized-frames.ts) instead of serializing the message again. Published messages are never
 * changed after publishing, so the JSON stays true to its message.
 *
 * It is kept on the message under a symbol that is not enumerable — invisible to JSON, spreads and
 * deep comparisons — rather than in a WeakMap: a WeakMap entry for each of thousands of messages
 * a second cost more to add and to collect than the JSON saved (capacity benchmark).
 */
const JSON_TEXT = Symbol('cobrowse.messageJson');

type Remembering = { [JSON_TEXT]?: string };

export function messageJson(message: object): string {
  const known = (message as Remembering)[JSON_TEXT];
  if (known !== undefined) return known;
  const json = JSON.stringify(message);
  rememberMessageJson(message, json);
  return json;
}

/** Remembers JSON a message was parsed from (a message from Redis, an upload), so it is not made again. */
export function rememberMessageJson(message: unknown, json: string): void {
  if (typeof message === 'object' && message !== null && Object.isExtensible(message))
    Object.defineProperty(message, JSON_TEXT, { value: json });
}
