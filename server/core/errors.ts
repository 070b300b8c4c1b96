/**
 * Expected failures of the domain, named by a code and carrying a message meant for the user.
 * Transport-free: the GraphQL layer turns them into GraphQL errors (`extensions.code`), and the
 * stream's upload frames report them by the same code.
 */

/** Every error a client can see carries one of these codes. */
export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  SESSION_ENDED: 'SESSION_ENDED',
  SESSION_TAKEN: 'SESSION_TAKEN',
  AGENT_BUSY: 'AGENT_BUSY',
  ORIGIN_NOT_ALLOWED: 'ORIGIN_NOT_ALLOWED',
  SLOW_CONSUMER: 'SLOW_CONSUMER',
  WRITE_MODE_DISABLED: 'WRITE_MODE_DISABLED',
  WRITE_MODE_REQUIRED: 'WRITE_MODE_REQUIRED',
  WRITE_REQUEST_CLOSED: 'WRITE_REQUEST_CLOSED',
  /** An admin turned this tool off for the caller's role (see the site's capabilities). */
  CAPABILITY_DISABLED: 'CAPABILITY_DISABLED',
  /** Scrolling and highlighting need Guided (or Write) Mode, which the customer approves. */
  GUIDED_MODE_REQUIRED: 'GUIDED_MODE_REQUIRED',
  /** In Guided Mode the agent scrolls and highlights only: clicks, typing and navigation are refused. */
  NOT_ALLOWED_IN_GUIDED_MODE: 'NOT_ALLOWED_IN_GUIDED_MODE',
  GUIDED_REQUEST_CLOSED: 'GUIDED_REQUEST_CLOSED',
  /** Too many attempts from this account, agent or address; `retryAfterSeconds` says when to try again. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** A GraphQL document over the size, token, depth, alias or cost limits. */
  QUERY_TOO_LARGE: 'QUERY_TOO_LARGE',
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  /** A query's or mutation's answer over the response size cap. */
  RESPONSE_TOO_LARGE: 'RESPONSE_TOO_LARGE',
  TOO_MANY_SUBSCRIPTIONS: 'TOO_MANY_SUBSCRIPTIONS',
  /** A session code that is unknown, ended, expired or taken: one answer, so codes cannot be probed. */
  SESSION_UNAVAILABLE: 'SESSION_UNAVAILABLE',
  /** Several waiting sessions match the customer an agent named: the agent must choose one. */
  SESSION_CHOICE_NEEDED: 'SESSION_CHOICE_NEEDED',
  /** The customer's identity is not signed by their site: the agent must confirm digits of the session ID. */
  IDENTITY_UNVERIFIED: 'IDENTITY_UNVERIFIED',
  /** The audit trail could not be written, so the change it records was not made. */
  AUDIT_UNAVAILABLE: 'AUDIT_UNAVAILABLE',
  /** A per-session cap (audit rows, recording bytes, chat messages) was reached. */
  LIMIT_REACHED: 'LIMIT_REACHED',
  CHAT_ENDED: 'CHAT_ENDED',
  /** Hand-over is turned off for the site (admins turn it on). */
  HANDOVER_DISABLED: 'HANDOVER_DISABLED',
  /** The agent offered cannot take the session: not an agent, not online, busy, or the offering agent. */
  HANDOVER_TARGET_UNAVAILABLE: 'HANDOVER_TARGET_UNAVAILABLE',
  /** The session already has an offer waiting for an answer. */
  HANDOVER_PENDING: 'HANDOVER_PENDING',
  /** The offer was already answered, has expired, or its session ended. */
  HANDOVER_CLOSED: 'HANDOVER_CLOSED',
  CHAT_TAKEN: 'CHAT_TAKEN',
  /** Requests to co-browse are turned off for the site (admins turn them on). */
  INVITATIONS_DISABLED: 'INVITATIONS_DISABLED',
  /** The customer already has a request to co-browse waiting for an answer. */
  INVITATION_PENDING: 'INVITATION_PENDING',
  /** The request was already answered or has expired. */
  INVITATION_CLOSED: 'INVITATION_CLOSED',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An expected failure with a message meant for the user. */
export class AppError extends Error {
  override readonly name = 'AppError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    /** For RATE_LIMITED: when the caller may try again. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export const unauthenticated = (message = 'Sign in first.') => new AppError(ErrorCode.UNAUTHENTICATED, message);
export const forbidden = (message = 'You are not allowed to do that.') => new AppError(ErrorCode.FORBIDDEN, message);
export const badInput = (message: string) => new AppError(ErrorCode.BAD_USER_INPUT, message);
export const notFound = (message: string) => new AppError(ErrorCode.NOT_FOUND, message);
/** Over a rate limit; the caller is told when to try again. */
export const rateLimited = (message: string, retryAfterSeconds: number) => new AppError(ErrorCode.RATE_LIMITED, message, retryAfterSeconds);
