import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { GraphQLError, type DocumentNode, type GraphQLSchema, type ParseOptions, type ValidationRule } from 'graphql';
import { ErrorCode } from '../server/core/errors.ts';
import { graphQLError } from './errors.ts';
import { operationCost } from './query-cost.ts';

/**
 * Limits on a GraphQL document, the same over HTTP and WebSocket. Every operation the product
 * sends (pages, widget, docs example, tests) and the standard introspection query pass them with
 * room to spare: the largest is introspection (~2,050 characters, under 256 tokens; depth and cost
 * are not counted for `__schema`), the deepest depth 5, the costliest the supervisor's past
 * sessions at their largest page (200 sessions with their agents and customers, ~5,600 by query-cost.ts). No
 * product operation uses aliases.
 */
export const QUERY_LIMITS = {
  /** Characters of the query text; variables (a batch of events) do not count. */
  maxChars: 16_000,
  /** Tokens the parser reads before it gives up (graphql's `maxTokens`). */
  maxTokens: 2_000,
  maxDepth: 10,
  maxAliases: 15,
  /** query-cost.ts's count over the coerced variables: roughly the objects and scalars returned. */
  maxCost: 10_000,
} as const;

/** graphql's parser stops early on documents with too many tokens. */
export const queryParseOptions: ParseOptions = { maxTokens: QUERY_LIMITS.maxTokens };

export const queryTooLarge = () =>
  graphQLError(
    ErrorCode.QUERY_TOO_LARGE,
    `The query is too large (at most ${QUERY_LIMITS.maxChars} characters and ${QUERY_LIMITS.maxTokens} tokens).`,
    413,
  );

/** The query text itself is over the size limit (checked before anything parses it). */
export const isQueryTooLong = (query: unknown): boolean => typeof query === 'string' && query.length > QUERY_LIMITS.maxChars;

/** Depth and alias rules that report QUERY_TOO_COMPLEX instead of throwing out of validate(). */
export function queryLimitRules(): ValidationRule[] {
  const report = {
    propagateOnRejection: false,
    onReject: [
      (context: { reportError: (error: GraphQLError) => void } | null, error: GraphQLError) =>
        context?.reportError(graphQLError(ErrorCode.QUERY_TOO_COMPLEX, error.message.replace(/^Syntax Error: /, ''))),
    ],
  };
  return [
    maxDepthRule({ n: QUERY_LIMITS.maxDepth, ...report }),
    maxAliasesRule({ n: QUERY_LIMITS.maxAliases, ...report }),
  ] as ValidationRule[];
}

/**
 * QUERY_TOO_COMPLEX when the operation, with the variables it is sent with, costs more than
 * `maxCost`; checked after validation on both transports, before anything runs.
 */
export function costLimitError(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  maxCost: number = QUERY_LIMITS.maxCost,
): GraphQLError | null {
  const cost = operationCost(schema, document, operationName, variables);
  if (cost <= maxCost) return null;
  return graphQLError(
    ErrorCode.QUERY_TOO_COMPLEX,
    `The query costs ${Math.ceil(cost)}, over the limit of ${maxCost}: ask for smaller pages (first) or fewer nested lists.`,
    400,
  );
}

/** The answer to a query or mutation when its JSON is over `maxBytes`. */
export const responseTooLarge = (maxBytes: number) =>
  graphQLError(
    ErrorCode.RESPONSE_TOO_LARGE,
    `The answer would be larger than ${maxBytes} bytes: ask for smaller pages (first) or fewer fields.`,
    413,
  );

/** graphql 16's message when `maxTokens` stops the parser ("…contains more that N tokens…"). */
const TOO_MANY_TOKENS = /Document contains more th(?:an|at) \d+ tokens/;

/**
 * The named limit error behind a parse or validation error, if there is one: Apollo wraps
 * validation errors (GRAPHQL_VALIDATION_FAILED) and parse errors (GRAPHQL_PARSE_FAILED) and keeps
 * ours as `originalError`.
 */
export function limitErrorOf(error: GraphQLError): GraphQLError | null {
  const original = error.originalError;
  if (original instanceof GraphQLError) {
    const code = original.extensions.code;
    if (code === ErrorCode.QUERY_TOO_COMPLEX || code === ErrorCode.QUERY_TOO_LARGE) return original;
  }
  if (TOO_MANY_TOKENS.test(error.message)) return queryTooLarge();
  return null;
}
