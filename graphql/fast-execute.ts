import {
  defaultFieldResolver,
  execute as graphqlExecute,
  getArgumentValues,
  getNamedType,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  isLeafType,
  isNonNullType,
  Kind,
  locatedError,
  subscribe as graphqlSubscribe,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FieldNode,
  type GraphQLField,
  type GraphQLLeafType,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type OperationDefinitionNode,
} from 'graphql';

/**
 * Execution without graphql-js's per-operation machinery for the operations that repeat many
 * times a second on a socket: one root field returning a scalar, with no fragments or directives
 * — the widget's `sendEvents`, the agent's `sendSignal` and every `sessionStream` event. Variables
 * and arguments are coerced by graphql-js itself (getVariableValues, getArgumentValues), and the
 * results and errors are the ones graphql-js gives; anything else goes to graphql-js unchanged.
 * In the capacity benchmark graphql-js's execute of each batch and of each subscription event
 * (building an execution context, collecting fields, a promise chain per field) was the largest
 * cost the product pays per batch beyond a bare relay.
 */

interface Plan {
  operation: OperationDefinitionNode;
  parentType: GraphQLObjectType;
  field: GraphQLField<unknown, unknown>;
  fieldNode: FieldNode;
  responseKey: string;
  leafType: GraphQLLeafType;
  nonNull: boolean;
}

const plans = new WeakMap<DocumentNode, Map<string | null, Plan | null>>();

function rootTypeOf(args: ExecutionArgs, operation: OperationDefinitionNode) {
  if (operation.operation === 'query') return args.schema.getQueryType();
  if (operation.operation === 'mutation') return args.schema.getMutationType();
  return args.schema.getSubscriptionType();
}

function makePlan(args: ExecutionArgs): Plan | null {
  const { document } = args;
  if (document.definitions.length !== 1) return null; // fragments, or several operations
  const operation = getOperationAST(document, args.operationName);
  if (!operation || operation.directives?.length) return null;
  const [selection, ...more] = operation.selectionSet.selections;
  if (more.length > 0 || selection?.kind !== Kind.FIELD || selection.directives?.length || selection.selectionSet) return null;
  const parentType = rootTypeOf(args, operation);
  const field = parentType?.getFields()[selection.name.value];
  if (!parentType || !field) return null; // __typename, introspection, or an unknown field: graphql-js says so
  const leafType = getNamedType(field.type);
  if (!isLeafType(leafType)) return null;
  return {
    operation,
    parentType,
    field,
    fieldNode: selection,
    responseKey: selection.alias?.value ?? selection.name.value,
    leafType,
    nonNull: isNonNullType(field.type),
  };
}

/** The plan of a document that can take the fast path, else null (remembered per document). */
export function fastPlanOf(args: ExecutionArgs): Plan | null {
  let byName = plans.get(args.document);
  if (!byName) plans.set(args.document, (byName = new Map()));
  const name = args.operationName ?? null;
  let plan = byName.get(name);
  if (plan === undefined) byName.set(name, (plan = makePlan(args)));
  return plan;
}

interface Prepared {
  plan: Plan;
  argumentValues: Record<string, unknown>;
  info: GraphQLResolveInfo;
}

/** Coerces variables and arguments as graphql-js does; their errors are returned as its are. */
function prepare(args: ExecutionArgs, plan: Plan): Prepared | ExecutionResult {
  const variables = getVariableValues(args.schema, plan.operation.variableDefinitions ?? [], args.variableValues ?? {}, { maxErrors: 50 });
  if (variables.errors) return { errors: variables.errors };
  const path = { prev: undefined, key: plan.responseKey, typename: plan.parentType.name };
  const info: GraphQLResolveInfo = {
    fieldName: plan.field.name,
    fieldNodes: [plan.fieldNode],
    returnType: plan.field.type,
    parentType: plan.parentType,
    path,
    schema: args.schema,
    fragments: {},
    rootValue: args.rootValue,
    operation: plan.operation,
    variableValues: variables.coerced,
  };
  try {
    return { plan, argumentValues: getArgumentValues(plan.field, plan.fieldNode, variables.coerced), info };
  } catch (error) {
    return failed(plan, error);
  }
}

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> =>
  typeof (value as { [Symbol.asyncIterator]?: unknown } | null)?.[Symbol.asyncIterator] === 'function';

const locate = (error: unknown, plan: Plan) => locatedError(error, [plan.fieldNode], [plan.responseKey]);

const failed = (plan: Plan, error: unknown): ExecutionResult => ({
  data: plan.nonNull ? null : { [plan.responseKey]: null },
  errors: [locate(error, plan)],
});

/** A resolved value completed as a leaf: serialized, its null checked. */
function completeLeaf(plan: Plan, value: unknown): ExecutionResult {
  if (value instanceof Error) throw value;
  if (value === null || value === undefined) {
    if (plan.nonNull) throw new GraphQLError(`Cannot return null for non-nullable field ${plan.parentType.name}.${plan.field.name}.`);
    return { data: { [plan.responseKey]: null } };
  }
  const serialized = plan.leafType.serialize(value);
  if (serialized === undefined || serialized === null)
    throw new Error(
      `Expected \`${plan.leafType.name}.serialize(${String(value)})\` to return non-nullable value, returned: ${String(serialized)}`,
    );
  return { data: { [plan.responseKey]: serialized } };
}

/** The field's result, or its error result; synchronous when the resolver is (no promise per event). */
function complete(plan: Plan, resolve: () => unknown): Promise<ExecutionResult> | ExecutionResult {
  try {
    const value = resolve();
    if (value instanceof Promise)
      return value.then(
        (resolved: unknown) => {
          try {
            return completeLeaf(plan, resolved);
          } catch (error) {
            return failed(plan, error);
          }
        },
        (error: unknown) => failed(plan, error),
      );
    return completeLeaf(plan, value);
  } catch (error) {
    return failed(plan, error);
  }
}

/** graphql-js's `execute`, faster for single-scalar-field operations. */
export function fastExecute(args: ExecutionArgs): Promise<ExecutionResult> | ExecutionResult {
  const plan = fastPlanOf(args);
  if (!plan || plan.operation.operation === 'subscription') return graphqlExecute(args);
  const prepared = prepare(args, plan);
  if (!('plan' in prepared)) return prepared;
  const resolve = plan.field.resolve ?? defaultFieldResolver;
  return complete(plan, () => resolve(args.rootValue, prepared.argumentValues, args.contextValue, prepared.info));
}

/** graphql-js's `subscribe`, faster per event for single-scalar-field subscriptions. */
export async function fastSubscribe(args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const plan = fastPlanOf(args);
  if (!plan || plan.operation.operation !== 'subscription') return graphqlSubscribe(args);
  const prepared = prepare(args, plan);
  if (!('plan' in prepared)) return prepared;
  const { argumentValues, info } = prepared;
  let stream: unknown;
  try {
    stream = await (plan.field.subscribe ?? defaultFieldResolver)(args.rootValue, argumentValues, args.contextValue, info);
    if (stream instanceof Error) throw stream;
    if (!isAsyncIterable(stream)) throw new GraphQLError(`Subscription field must return Async Iterable. Received: ${String(stream)}.`);
  } catch (error) {
    return { errors: [locate(error, plan)] };
  }
  const source = (stream as AsyncIterable<unknown>)[Symbol.asyncIterator]();
  const resolve = plan.field.resolve ?? defaultFieldResolver;
  const map = async (result: IteratorResult<unknown>): Promise<IteratorResult<ExecutionResult>> =>
    result.done
      ? { done: true, value: undefined }
      : { done: false, value: await complete(plan, () => resolve(result.value, argumentValues, args.contextValue, info)) };
  const iterator: AsyncIterableIterator<ExecutionResult> = {
    next: async () => map(await source.next()),
    return: async () => (source.return ? map(await source.return()) : { done: true, value: undefined }),
    throw: async (error: unknown) => {
      if (source.throw) return map(await source.throw(error));
      throw error;
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
