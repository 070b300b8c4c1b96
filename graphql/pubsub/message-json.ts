/**
 * A published message's JSON, made once however many need it: a subscriber's backlog is measured
 * by it, Redis carries it, and the agent's socket frame is built around it (server/http/
 * serialized-frames.ts) instead of serializing the message again. Published messages are never
 * changed after publishing, so the JSON stays true to its message.
 */
const jsonOf = new WeakMap<object, string>();

export function messageJson(message: object): string {
  let json = jsonOf.get(message);
  if (json === undefined) jsonOf.set(message, (json = JSON.stringify(message)));
  return json;
}

/** Remembers JSON a message was parsed from (a message from Redis), so it is not made again. */
export function rememberMessageJson(message: unknown, json: string): void {
  if (typeof message === 'object' && message !== null) jsonOf.set(message, json);
}
