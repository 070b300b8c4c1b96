/** The widget's GraphQL operations that run for the whole session (the capacity benchmark sends the same). */

/** The customer's side of the session's live stream. */
export const SESSION_STREAM = 'subscription($sessionId: ID!){ sessionStream(sessionId:$sessionId) }';
