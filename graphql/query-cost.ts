import {
  getArgumentValues,
  getNamedType,
  getNullableType,
  getVariableValues,
  isCompositeType,
  isListType,
  isObjectType,
  isInterfaceType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  getOperationAST,
} from 'graphql';

/**
 * What an operation costs once its variables are known: every object counts `OBJECT_COST` and every
 * scalar 1, and a list field multiplies the cost of what it selects by the page it asks for — its
 * `first` or `limit` argument as graphql-js coerces it (variables and schema defaults included), or
 * `UNPAGED_LIST_SIZE` for a list with no page argument. Counted on the operation that will run, so
 * `first: $n` costs the same as the literal it stands for.
 */
const OBJECT_COST = 2;
/** The size assumed for a list of objects that takes no page argument (bounded ones name their own). */
export const UNPAGED_LIST_SIZE = 100;
/** Lists with no page argument whose length has a known bound lower than the default. */
const KNOWN_LIST_SIZES: Record<string, number> = {
  'SessionStats.sessionsPerDay': 366,
};
const PAGE_ARGUMENTS = ['first', 'limit'] as const;

interface Walk {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  /** Fragments being expanded, so a cycle (refused by validation anyway) cannot loop here. */
  expanding: Set<string>;
  /** Each fragment's cost, counted once: spreads of spreads would otherwise take exponential time. */
  fragmentCosts: Map<string, number>;
}

/** The page a list field asks for: its coerced `first`/`limit`, at least 1. */
function pageSize(
  walk: Walk,
  parent: GraphQLNamedType,
  field: GraphQLField<unknown, unknown>,
  node: Parameters<typeof getArgumentValues>[1],
) {
  const pageArgument = field.args.find((arg) => (PAGE_ARGUMENTS as readonly string[]).includes(arg.name));
  // A connection's edges and nodes are the page its own field asked for, already counted there.
  if (!pageArgument && parent.name.endsWith('Connection')) return 1;
  if (!pageArgument) return KNOWN_LIST_SIZES[`${parent.name}.${field.name}`] ?? UNPAGED_LIST_SIZE;
  let value: unknown;
  try {
    value = getArgumentValues(field, node, walk.variables)[pageArgument.name];
  } catch {
    value = undefined; // a value of the wrong type: execution refuses it; count the default meanwhile
  }
  const size = typeof value === 'number' && Number.isFinite(value) ? value : Number(pageArgument.defaultValue ?? UNPAGED_LIST_SIZE);
  return Math.max(1, Math.floor(size));
}

function selectionCost(walk: Walk, type: GraphQLNamedType, selectionSet: SelectionSetNode): number {
  let cost = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      const on = selection.typeCondition ? (walk.schema.getType(selection.typeCondition.name.value) ?? type) : type;
      cost += selectionCost(walk, on, selection.selectionSet);
    } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
      const name = selection.name.value;
      const fragment = walk.fragments.get(name);
      if (!fragment || walk.expanding.has(name)) continue;
      let fragmentCost = walk.fragmentCosts.get(name);
      if (fragmentCost === undefined) {
        walk.expanding.add(name);
        fragmentCost = selectionCost(walk, walk.schema.getType(fragment.typeCondition.name.value) ?? type, fragment.selectionSet);
        walk.expanding.delete(name);
        walk.fragmentCosts.set(name, fragmentCost);
      }
      cost += fragmentCost;
    } else {
      const name = selection.name.value;
      if (name === '__schema' || name === '__type') continue; // introspection: bounded by the schema, and tools need it
      const field = isObjectType(type) || isInterfaceType(type) ? type.getFields()[name] : undefined;
      if (!field) {
        cost += 1; // __typename, or a field validation refuses
        continue;
      }
      const named = getNamedType(field.type);
      const inner = selection.selectionSet && isCompositeType(named) ? OBJECT_COST + selectionCost(walk, named, selection.selectionSet) : 1;
      const paged = field.args.some((arg) => (PAGE_ARGUMENTS as readonly string[]).includes(arg.name));
      const isList = isListType(getNullableType(field.type));
      // A connection's `first` pages its edges and nodes; a list's pages itself. Lists of scalars count once.
      cost += (isList && selection.selectionSet) || paged ? inner * pageSize(walk, type, field, selection) : inner;
    }
  }
  return cost;
}

/** Variables as the operation will see them; each one that fails its type is left out (execution reports it). */
function coercedVariables(schema: GraphQLSchema, operation: OperationDefinitionNode, raw: Record<string, unknown>) {
  const definitions = operation.variableDefinitions ?? [];
  const all = getVariableValues(schema, definitions, raw, { maxErrors: 50 });
  if (!all.errors) return all.coerced;
  const each: Record<string, unknown> = {};
  for (const definition of definitions) {
    const one = getVariableValues(schema, [definition], raw, { maxErrors: 1 });
    if (!one.errors) Object.assign(each, one.coerced);
  }
  return each;
}

/** The cost of the operation that will run, or 0 when there is none to run (validation says why). */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
): number {
  const operation = getOperationAST(document, operationName);
  if (!operation) return 0;
  const root =
    operation.operation === 'query'
      ? schema.getQueryType()
      : operation.operation === 'mutation'
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  if (!root) return 0;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const raw = variables && typeof variables === 'object' ? variables : {};
  const walk: Walk = {
    schema,
    fragments,
    variables: coercedVariables(schema, operation, raw),
    expanding: new Set(),
    fragmentCosts: new Map(),
  };
  return selectionCost(walk, root, operation.selectionSet);
}
