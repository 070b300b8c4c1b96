import { GraphQLError, isObjectType, type GraphQLSchema } from 'graphql';
import { AppError, ErrorCode } from '../server/core/errors.ts';

/** The HTTP status a domain error answers with over HTTP (not sent to the client); 200 otherwise. */
const HTTP_STATUS: Partial<Record<ErrorCode, number>> = { [ErrorCode.RATE_LIMITED]: 429 };

/** A domain error as GraphQL clients see it: its code (and retry time) in `extensions`. */
export function toGraphQLError(error: AppError, located?: GraphQLError): GraphQLError {
  const status = HTTP_STATUS[error.code];
  return new GraphQLError(error.message, {
    nodes: located?.nodes,
    source: located?.source,
    positions: located?.positions,
    path: located?.path,
    originalError: error,
    extensions: {
      code: error.code,
      ...(error.retryAfterSeconds !== undefined && { retryAfterSeconds: error.retryAfterSeconds }),
      ...(status && { http: { status } }),
    },
  });
}

/** An error of the GraphQL layer itself (keys, document limits) with the HTTP status it answers with. */
export const graphQLError = (code: ErrorCode, message: string, status?: number) =>
  new GraphQLError(message, { extensions: { code, ...(status && { http: { status } }) } });

/** API keys read and subscribe; they never change anything. */
export const readOnlyKeyError = () => graphQLError(ErrorCode.FORBIDDEN, 'API keys are read-only: queries and subscriptions only.', 403);

/** Any error a transport is about to report, as a GraphQL error. */
export const asGraphQLError = (error: unknown): GraphQLError =>
  error instanceof GraphQLError
    ? error
    : error instanceof AppError
      ? toGraphQLError(error)
      : new GraphQLError('internal', { originalError: error as Error });

/**
 * Makes every resolver of the schema report domain errors as GraphQL errors, in place, so the code
 * (and, over HTTP, the status) is there before Apollo or graphql-ws reads it. The domain stays
 * unaware of GraphQL.
 */
export function mapDomainErrors(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.resolve) field.resolve = reportingDomainErrors(field.resolve);
      if (field.subscribe) field.subscribe = reportingDomainErrors(field.subscribe);
    }
  }
  return schema;
}

const rethrow = (error: unknown): never => {
  throw error instanceof AppError ? toGraphQLError(error) : error;
};

function reportingDomainErrors<A extends unknown[], R>(resolve: (...args: A) => R): (...args: A) => R {
  return (...args) => {
    try {
      const result = resolve(...args);
      return result instanceof Promise ? (result.catch(rethrow) as R) : result;
    } catch (error) {
      return rethrow(error);
    }
  };
}

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
  if (error.originalError instanceof AppError) return toGraphQLError(error.originalError, error);
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
