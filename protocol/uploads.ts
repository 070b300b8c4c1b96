/**
 * Event batches the widget uploads on its graphql-transport-ws socket as binary frames, which that
 * protocol never uses: each frame is one batch's JSON (UTF-8), for the session the socket's
 * customer token names. The server answers a refused batch at once with
 * `{"type":"batch-error","payload":{"message","extensions":{"code"}}}`, and tells how many frames
 * it has taken, refused ones included, with `{"type":"batch-ack","count":n}` at most every
 * BATCH_ACK_INTERVAL_MS. Every other GraphQL client sees nothing of this.
 */

/** The server acknowledges uploads together, this often at most. */
export const BATCH_ACK_INTERVAL_MS = 250;

/**
 * Most uploads the widget has sent and not yet seen acknowledged; with more it waits, and its
 * recorder lets the next batch grow. Twice what 30 batches a second send between two
 * acknowledgements, so only a server that falls behind slows a customer down.
 */
export const MAX_UNACKNOWLEDGED_BATCHES = 16;

/** Frames a socket may have waiting to be taken before it is closed: more than a widget ever sends. */
export const MAX_QUEUED_UPLOADS = 2 * MAX_UNACKNOWLEDGED_BATCHES;

export interface BatchAck {
  type: 'batch-ack';
  count: number;
}

export interface BatchError {
  type: 'batch-error';
  payload: { message: string; extensions?: { code?: string } };
}
