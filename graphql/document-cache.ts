import { parse, validate, type DocumentNode, type GraphQLError, type GraphQLSchema } from 'graphql';

const MAX_DOCUMENTS = 500;

/**
 * Parses and validates each distinct query text once. The widget sends the same `sendEvents`
 * mutation up to 30 times a second per session; validating it every time is most of its cost.
 */
export function createDocumentCache(schema: GraphQLSchema) {
  const documents = new Map<string, DocumentNode>();
  return (query: string): DocumentNode | readonly GraphQLError[] => {
    const cached = documents.get(query);
    if (cached) return cached;
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (error) {
      return [error as GraphQLError];
    }
    const errors = validate(schema, document);
    if (errors.length > 0) return errors;
    if (documents.size >= MAX_DOCUMENTS) documents.delete(documents.keys().next().value as string); // oldest first
    documents.set(query, document);
    return document;
  };
}
