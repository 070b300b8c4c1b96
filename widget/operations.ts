/** The widget's GraphQL operation that runs for the whole session (the capacity benchmark subscribes the same). */

/** The customer's side of the session's live stream. */
export const SESSION_STREAM = 'subscription($sessionId:ID!){sessionStream(sessionId:$sessionId)}';
