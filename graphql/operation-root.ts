import { messageJson } from '../server/core/pubsub/message-json.ts';

/**
 * The root value a transport gives each operation it executes. Over WebSocket a subscription gets
 * `nextResult`: its next result written straight to the socket, for results that need nothing
 * from GraphQL's execution — a stream message passed on as it was published, whose JSON is made
 * once (server/core/pubsub/message-json.ts). It takes the JSON text of the result's `data` and
 * returns false when it cannot send now (the socket is behind or gone): the result then goes the
 * usual way, with graphql-ws's backpressure.
 */
export interface OperationRoot {
  nextResult?: (dataJson: string) => boolean;
}

/** `nextResult` for a field's messages: each as `{"<response key>": <its JSON, made once>}`. */
export function directFieldResults(root: unknown, responseKey: string | number): ((message: object) => boolean) | undefined {
  const nextResult = (root as OperationRoot | null | undefined)?.nextResult;
  if (!nextResult) return undefined;
  const opening = `{${JSON.stringify(String(responseKey))}:`;
  return (message) => nextResult(`${opening}${messageJson(message)}}`);
}
