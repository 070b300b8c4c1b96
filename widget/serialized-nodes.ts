import type { RecordedEvent } from '../protocol/messages.ts';

const FULL_SNAPSHOT = 2;
const INCREMENTAL = 3;
const MUTATION = 0;

/** A node as rrweb serializes it (an element has attributes). */
export interface SerializedNode {
  id: number;
  type: number;
  attributes?: Record<string, unknown>;
  childNodes?: SerializedNode[];
}

/** Calls `visit` with every node a full snapshot holds or a DOM change adds, as rrweb serialized it. */
export function forEachSerializedNode(event: RecordedEvent, visit: (node: SerializedNode) => void): void {
  const data = event.data as { node?: SerializedNode; source?: number; adds?: { node: SerializedNode }[] };
  const walk = (node: SerializedNode) => {
    visit(node);
    const children = node.childNodes;
    if (children) for (let i = 0; i < children.length; i++) walk(children[i]!);
  };
  if (event.type === FULL_SNAPSHOT && data.node) walk(data.node);
  else if (event.type === INCREMENTAL && data.source === MUTATION) data.adds?.forEach((add) => walk(add.node));
}
