import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import type { Resolvers } from '../../generated/resolvers-types.ts';

function literalToJson(node: ValueNode): unknown {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.LIST:
      return node.values.map(literalToJson);
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((field) => [field.name.value, literalToJson(field.value)]));
    default:
      return null;
  }
}

export const commonResolvers: Resolvers = {
  JSON: new GraphQLScalarType({
    name: 'JSON',
    description: 'Any JSON value; used for the co-browse stream, whose shapes are defined in protocol/.',
    serialize: (value) => value,
    parseValue: (value) => value,
    parseLiteral: literalToJson,
  }),
  DateTime: new GraphQLScalarType({
    name: 'DateTime',
    description: 'An ISO-8601 date-time string.',
    serialize: (value) => (value instanceof Date ? value.toISOString() : String(value)),
  }),
  Query: { health: () => 'ok' },
  // The placeholder the domains extend has no stream: it completes at once instead of failing the socket.
  Subscription: { _empty: { subscribe: async function* () {}, resolve: () => null } },
};
