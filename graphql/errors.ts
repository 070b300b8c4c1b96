import { GraphQLError } from 'graphql';

/** Every error a client can see carries one of these in `extensions.code`. */
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
  /** Too many attempts from this account, agent or address; `extensions.retryAfterSeconds` says when to try again. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** A GraphQL document over the size, token, depth, alias or cost limits. */
  QUERY_TOO_LARGE: 'QUERY_TOO_LARGE',
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  TOO_MANY_SUBSCRIPTIONS: 'TOO_MANY_SUBSCRIPTIONS',
  /** A session code that is unknown, ended, expired or taken: one answer, so codes cannot be probed. */
  SESSION_UNAVAILABLE: 'SESSION_UNAVAILABLE',
  /** The audit trail could not be written, so the change it records was not made. */
  AUDIT_UNAVAILABLE: 'AUDIT_UNAVAILABLE',
  /** A per-session cap (audit rows, recording bytes, chat messages) was reached. */
  LIMIT_REACHED: 'LIMIT_REACHED',
  CHAT_ENDED: 'CHAT_ENDED',
  CHAT_TAKEN: 'CHAT_TAKEN',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An expected failure with a message meant for the user. */
export class AppError extends GraphQLError {
  /** `http` sets the status Apollo answers with over HTTP (it is not sent to the client). */
  constructor(code: ErrorCode, message: string, extra: { http?: { status: number }; retryAfterSeconds?: number } = {}) {
    super(message, { extensions: { code, ...extra } });
  }
}

export const unauthenticated = (message = 'Sign in first.') => new AppError(ErrorCode.UNAUTHENTICATED, message);
export const forbidden = (message = 'You are not allowed to do that.') => new AppError(ErrorCode.FORBIDDEN, message);
export const badInput = (message: string) => new AppError(ErrorCode.BAD_USER_INPUT, message);
export const notFound = (message: string) => new AppError(ErrorCode.NOT_FOUND, message);
/** Over a rate limit; HTTP answers 429 and the client is told when to try again. */
export const rateLimited = (message: string, retryAfterSeconds: number) =>
  new AppError(ErrorCode.RATE_LIMITED, message, { http: { status: 429 }, retryAfterSeconds });
/** API keys read and subscribe; they never change anything. */
export const readOnlyKeyError = () =>
  new AppError(ErrorCode.FORBIDDEN, 'API keys are read-only: queries and subscriptions only.', { http: { status: 403 } });

const KNOWN_CODES = new Set<string>([
  ...Object.values(ErrorCode),
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * Gives every error a code; unexpected errors are logged and shown without internals.
 * Used by Apollo (HTTP) and graphql-ws (WebSocket) alike.
 */
export function formatError(error: GraphQLError, log: (error: unknown) => void = console.error): GraphQLError {
  const code = error.extensions?.code;
  if (typeof code === 'string' && KNOWN_CODES.has(code)) return error;
  // Variables that fail their type, or a bad JSON body, are the client's fault and say so.
  if (!error.originalError && error.message.startsWith('Variable ')) {
    return new GraphQLError(error.message, { ...error, extensions: { ...error.extensions, code: ErrorCode.BAD_USER_INPUT } });
  }
  if (!error.originalError || error.originalError instanceof GraphQLError) {
    return new GraphQLError(error.message, { ...error, extensions: { ...error.extensions, code: code ?? ErrorCode.BAD_USER_INPUT } });
  }
  log(error.originalError);
  return new GraphQLError('Something went wrong on our side.', {
    path: error.path,
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  });
}
