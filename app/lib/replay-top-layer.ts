import type { ReplayPlugin, Replayer } from 'rrweb';
import { OPEN_POPOVER_ATTRIBUTE, type RecordedEvent } from '../../protocol/messages';

// The top layer as the customer has it, in every replay of their page (the agent's live view,
// a supervisor's watch and recordings): rrweb records no popover state, and opens dialogs
// the way a person would, focus and all.

const FULL_SNAPSHOT = 2;
const INCREMENTAL_SNAPSHOT = 3;

/**
 * Opening a dialog moves focus into it (to its first button): in the agent's view that would
 * take the agent's focus from their own page, and draw a keyboard focus ring that the customer,
 * who clicked, does not see (a replay focuses nothing else). The replay opens dialogs (rrweb's
 * `rr_open_mode`) with these, which open them while inert: in the top layer all the same,
 * with nothing focused.
 */
export function openDialogsWithoutFocus(window: Window & { HTMLDialogElement?: typeof HTMLDialogElement }): void {
  const dialog = window.HTMLDialogElement?.prototype;
  if (!dialog) return;
  for (const name of ['show', 'showModal'] as const) {
    const open = dialog[name];
    dialog[name] = function (this: HTMLDialogElement) {
      const inert = this.inert;
      this.inert = true;
      try {
        open.call(this);
      } finally {
        this.inert = inert;
      }
    };
  }
}

interface SerializedNode {
  id: number;
  attributes?: Record<string, unknown>;
  childNodes?: SerializedNode[];
}

/** The ids of the popovers a snapshot or DOM change opens (true) or closes (false). */
function popoverChanges(event: RecordedEvent): Map<number, boolean> {
  const changes = new Map<number, boolean>();
  const visit = (node: SerializedNode) => {
    if (node.attributes && 'popover' in node.attributes) changes.set(node.id, OPEN_POPOVER_ATTRIBUTE in node.attributes);
    node.childNodes?.forEach(visit);
  };
  const data = event.data as {
    node?: SerializedNode;
    source?: number;
    adds?: { node: SerializedNode }[];
    attributes?: { id: number; attributes: Record<string, unknown> }[];
  };
  if (event.type === FULL_SNAPSHOT && data.node) visit(data.node);
  if (event.type !== INCREMENTAL_SNAPSHOT || data.source !== 0) return changes;
  data.adds?.forEach((add) => visit(add.node));
  for (const change of data.attributes ?? [])
    if (OPEN_POPOVER_ATTRIBUTE in change.attributes) changes.set(change.id, change.attributes[OPEN_POPOVER_ATTRIBUTE] !== null);
  return changes;
}

/** Shows or hides one replayed popover, inert meanwhile so nothing in it takes focus. */
function setPopoverOpen(popover: HTMLElement | null, open: boolean): void {
  if (!popover?.isConnected || !popover.hasAttribute('popover') || popover.matches(':popover-open') === open) return;
  const inert = popover.inert;
  popover.inert = true;
  try {
    if (open) popover.showPopover();
    else popover.hidePopover();
  } catch {
    // not a popover this browser can show (or a dialog that is open as one): left as it is
  } finally {
    popover.inert = inert;
  }
}

/** Opens and closes popovers as the customer's widget marks them, event by event. */
export const popoverReplay: ReplayPlugin = {
  handler(event, _isSync, { replayer }) {
    // While a recording fast-forwards, its page is built off the document and the nodes found
    // here may be stale: `syncPopovers` puts them right once it is written in.
    for (const [id, open] of popoverChanges(event as RecordedEvent))
      setPopoverOpen(replayer.getMirror().getNode(id) as HTMLElement | null, open);
  },
};

/** After a seek: every popover of the replayed page opened or closed as its mark says. */
export function syncPopovers(replayer: Replayer): void {
  const document = replayer.iframe.contentDocument;
  for (const popover of document?.querySelectorAll<HTMLElement>('[popover]') ?? [])
    setPopoverOpen(popover, popover.hasAttribute(OPEN_POPOVER_ATTRIBUTE));
}
