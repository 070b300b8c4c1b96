import { parse, specifiedRules, validate, type DocumentNode, type GraphQLError, type GraphQLSchema } from 'graphql';
import { isQueryTooLong, limitErrorOf, queryLimitRules, queryParseOptions, queryTooLarge } from './query-limits.ts';

const MAX_DOCUMENTS = 500;

/**
 * Only short documents are kept: the product's own (well under 1,000 characters) are what repeat,
 * and 500 entries of this size bound the cache's memory whatever a client sends.
 */
export const MAX_CACHED_QUERY_CHARS = 1_000;

/**
 * Parses and validates each distinct query text once, under the size, token, depth, alias and
 * cost limits of query-limits.ts. The widget sends the same `sendEvents` mutation up to 30 times a
 * second per session; validating it every time is most of its cost.
 */
export function createDocumentCache(schema: GraphQLSchema) {
  const documents = new Map<string, DocumentNode>();
  const rules = [...specifiedRules, ...queryLimitRules()];
  return (query: string): DocumentNode | readonly GraphQLError[] => {
    const cached = documents.get(query);
    if (cached) return cached;
    if (isQueryTooLong(query)) return [queryTooLarge()];
    let document: DocumentNode;
    try {
      document = parse(query, queryParseOptions);
    } catch (error) {
      return [limitErrorOf(error as GraphQLError) ?? (error as GraphQLError)];
    }
    const errors = validate(schema, document, rules);
    if (errors.length > 0) return errors;
    if (query.length > MAX_CACHED_QUERY_CHARS) return document;
    if (documents.size >= MAX_DOCUMENTS) documents.delete(documents.keys().next().value as string); // oldest first
    documents.set(query, document);
    return document;
  };
}
