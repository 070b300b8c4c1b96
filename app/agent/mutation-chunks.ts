import type { RecordedEvent } from '../../protocol/messages';

const INCREMENTAL_SNAPSHOT = 3;
const MUTATION = 0;
const ELEMENT_NODE = 2;

/** Added nodes the replay applies in one task at most; a larger mutation is spread over tasks. */
export const MAX_ADDS_PER_TASK = 2000;

/**
 * Elements that must be in the document while rrweb builds them (a frame's document, a modal
 * dialog, a media element's state): a mutation adding one is not built off the page.
 */
const NEEDS_DOCUMENT = new Set(['iframe', 'frame', 'object', 'embed', 'dialog', 'video', 'audio', 'canvas', 'slot', 'template']);

interface AddedNode {
  parentId: number;
  nextId?: number | null;
  previousId?: number | null;
  node: { id: number; type: number; tagName?: string; isShadow?: boolean; isShadowHost?: boolean; rootId?: number };
}

interface MutationData {
  source: number;
  adds: AddedNode[];
  removes: unknown[];
  texts: unknown[];
  attributes: unknown[];
}

function mutationOf(event: RecordedEvent): MutationData | null {
  const data = event.data as Partial<MutationData> | null;
  return event.type === INCREMENTAL_SNAPSHOT && data?.source === MUTATION && Array.isArray(data.adds) ? (data as MutationData) : null;
}

/** Whether an event is a mutation too large to apply in one task. */
export const isLargeMutation = (event: RecordedEvent) => (mutationOf(event)?.adds.length ?? 0) > MAX_ADDS_PER_TASK;

/** A large mutation as parts the replay applies one per task, in order. */
export interface MutationPlan {
  parts: RecordedEvent[];
  /**
   * Ids of the new subtrees' roots (added under nodes already on the page), when the parts can
   * build them off the page: the replay takes them out of the document after the first part
   * (which adds them, and only them) and puts them back before the last (which holds the text and
   * attribute changes), so the page is not laid out again after every part: it lays the new
   * subtrees out once, in the frame after they are put back (as long as the customer's browser
   * took for the same change). Empty: the parts build in place.
   */
  detached: number[];
}

const part = (event: RecordedEvent, mutation: MutationData, data: Partial<MutationData>): RecordedEvent => ({
  ...event,
  data: { ...mutation, adds: [], removes: [], texts: [], attributes: [], ...data },
});

/**
 * A large rrweb mutation as several, applied one per task so the agent's page stays responsive.
 * rrweb's recorder lists an added node only after its parent and next sibling, so any cut of
 * `adds` keeps each node's references behind it, and so does moving the roots of the new subtrees
 * (whose parents and next siblings are on the page already, or roots too) to the front. The order
 * of one mutation holds: removals first, text and attribute changes (which may touch added
 * nodes) last.
 */
export function planMutation(event: RecordedEvent): MutationPlan {
  const mutation = mutationOf(event);
  if (!mutation || mutation.adds.length <= MAX_ADDS_PER_TASK) return { parts: [event], detached: [] };
  const added = new Set<number>();
  let offPage = true;
  for (const add of mutation.adds) {
    added.add(add.node.id);
    const { node } = add;
    if (node.isShadow || node.isShadowHost || node.rootId !== undefined || NEEDS_DOCUMENT.has(node.tagName?.toLowerCase() ?? ''))
      offPage = false;
  }
  const roots = mutation.adds.filter((add) => !added.has(add.parentId));
  // Few roots, all elements: build their subtrees off the page.
  offPage &&= roots.length <= MAX_ADDS_PER_TASK && roots.every((add) => add.node.type === ELEMENT_NODE);
  const inner = offPage ? mutation.adds.filter((add) => added.has(add.parentId)) : mutation.adds;
  const parts: RecordedEvent[] = [];
  if (offPage) parts.push(part(event, mutation, { adds: roots, removes: mutation.removes }));
  for (let at = 0; at < inner.length; at += MAX_ADDS_PER_TASK)
    parts.push(
      part(event, mutation, { adds: inner.slice(at, at + MAX_ADDS_PER_TASK), removes: !offPage && at === 0 ? mutation.removes : [] }),
    );
  if (offPage) parts.push(part(event, mutation, { texts: mutation.texts, attributes: mutation.attributes }));
  else
    parts[parts.length - 1] = {
      ...parts.at(-1)!,
      data: { ...(parts.at(-1)!.data as MutationData), texts: mutation.texts, attributes: mutation.attributes },
    };
  return { parts, detached: offPage ? roots.map((add) => add.node.id) : [] };
}
