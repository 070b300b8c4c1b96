import { OPEN_POPOVER_ATTRIBUTE, type RecordedEvent } from '../protocol/messages.ts';

const FULL_SNAPSHOT = 2;
const INCREMENTAL = 3;
const MUTATION = 0;
const ELEMENT_NODE = 2;

interface SerializedNode {
  id: number;
  type: number;
  attributes?: Record<string, unknown>;
  childNodes?: SerializedNode[];
}

/**
 * Marks the open popovers of a snapshot or of added nodes, in place, before the event leaves:
 * an open popover is in the top layer by a state no attribute shows, which rrweb does not
 * record, so the agent's view would keep it hidden.
 */
export function markOpenPopovers(event: RecordedEvent, nodeOf: (id: number) => Node | null): void {
  const data = event.data as { node?: SerializedNode; source?: number; adds?: { node: SerializedNode }[] };
  // Walked for every node of a snapshot: only a popover is looked up.
  const mark = (serialized: SerializedNode) => {
    if (serialized.type === ELEMENT_NODE && serialized.attributes && 'popover' in serialized.attributes) {
      const node = nodeOf(serialized.id);
      if (node instanceof HTMLElement && node.matches(':popover-open')) serialized.attributes[OPEN_POPOVER_ATTRIBUTE] = '';
    }
    const children = serialized.childNodes;
    if (children) for (let i = 0; i < children.length; i++) mark(children[i]!);
  };
  if (event.type === FULL_SNAPSHOT && data.node) mark(data.node);
  else if (event.type === INCREMENTAL && data.source === MUTATION) data.adds?.forEach((add) => mark(add.node));
}

/**
 * Reports each popover of the document that opens or closes, as the change of its mark that
 * rrweb would record (for popovers it has recorded, by `idOf`), until the returned function is called.
 */
export function watchPopovers(idOf: (node: Node) => number, changed: (event: RecordedEvent) => void): () => void {
  const onToggle = (event: Event) => {
    const id = idOf(event.target as Node);
    if (!(event.target instanceof HTMLElement) || !event.target.hasAttribute('popover') || id < 1) return;
    const open = (event as ToggleEvent).newState === 'open' ? '' : null;
    changed({
      type: INCREMENTAL,
      data: { source: MUTATION, texts: [], attributes: [{ id, attributes: { [OPEN_POPOVER_ATTRIBUTE]: open } }], removes: [], adds: [] },
      timestamp: Date.now(),
    });
  };
  // A toggle does not bubble; it passes the document on its way to the popover.
  document.addEventListener('toggle', onToggle, true);
  return () => document.removeEventListener('toggle', onToggle, true);
}
