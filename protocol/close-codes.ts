/**
 * WebSocket close codes of the co-browse stream, in 4800–4899: a range graphql-ws does not use, so
 * its own codes keep their meanings and a graphql-ws release cannot collide with ours.
 */
export const StreamCloseCode = {
  /** A binary upload from a socket that is not a session's acknowledged customer. Not retried. */
  NOT_A_CUSTOMER: 4801,
  /** The socket fell behind (its unsent bytes stayed over the limit): reconnect and resync from a snapshot. */
  SLOW_CONSUMER: 4813,
  /** More upload frames, or upload bytes, waiting than the server allows: a client that does not pace itself. Not retried. */
  UPLOADS_FLOODED: 4829,
  /** The customer's token already holds the most sockets it may: reconnect later (another tab or a page load may let go). */
  TOO_MANY_SOCKETS: 4830,
} as const;

export type StreamCloseCode = (typeof StreamCloseCode)[keyof typeof StreamCloseCode];

/**
 * Codes after which reconnecting cannot help: graphql-ws's fatal ones (bad message, unauthorized,
 * subprotocol, subscriber exists, too many init requests, internal error, and its client's 4004/4005)
 * and the stream's own refusals.
 */
export const FATAL_CLOSE_CODES: readonly number[] = [
  4004,
  4005,
  4400,
  4401,
  4406,
  4409,
  4429,
  4500,
  StreamCloseCode.NOT_A_CUSTOMER,
  StreamCloseCode.UPLOADS_FLOODED,
];
