import { OPEN_POPOVER_ATTRIBUTE, type RecordedEvent } from '../protocol/messages.ts';
import type { SerializedNode } from './serialized-nodes.ts';

const INCREMENTAL = 3;
const MUTATION = 0;

/**
 * Marks an open popover of a snapshot or of added nodes, in place, before the event leaves: an
 * open popover is in the top layer by a state no attribute shows, which rrweb does not record,
 * so the agent's view would keep it hidden.
 */
export function markOpenPopover(serialized: SerializedNode, nodeOf: (id: number) => Node | null): void {
  if (serialized.attributes && 'popover' in serialized.attributes && (nodeOf(serialized.id) as Element | null)?.matches(':popover-open'))
    serialized.attributes[OPEN_POPOVER_ATTRIBUTE] = '';
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
