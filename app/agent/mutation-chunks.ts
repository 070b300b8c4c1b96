import type { RecordedEvent } from '../../protocol/messages';

const INCREMENTAL_SNAPSHOT = 3;
const MUTATION = 0;

/** Added nodes the replay applies in one animation frame at most; a larger mutation is spread over frames. */
export const MAX_ADDS_PER_FRAME = 2000;

interface MutationData {
  source: number;
  adds: unknown[];
  removes: unknown[];
  texts: unknown[];
  attributes: unknown[];
}

function mutationOf(event: RecordedEvent): MutationData | null {
  const data = event.data as Partial<MutationData> | null;
  return event.type === INCREMENTAL_SNAPSHOT && data?.source === MUTATION && Array.isArray(data.adds) ? (data as MutationData) : null;
}

/** Whether an event is a mutation too large to apply in one frame. */
export const isLargeMutation = (event: RecordedEvent) => (mutationOf(event)?.adds.length ?? 0) > MAX_ADDS_PER_FRAME;

/**
 * A large rrweb mutation as several, applied one per frame so the agent's page stays responsive.
 * rrweb's recorder lists an added node only after its parent and next sibling, so any cut of
 * `adds` keeps each node's references behind it. The order of one mutation holds: removals with
 * the first part, text and attribute changes (which may touch added nodes) with the last.
 */
export function splitMutation(event: RecordedEvent): RecordedEvent[] {
  const mutation = mutationOf(event);
  if (!mutation || mutation.adds.length <= MAX_ADDS_PER_FRAME) return [event];
  const parts: RecordedEvent[] = [];
  for (let at = 0; at < mutation.adds.length; at += MAX_ADDS_PER_FRAME) {
    const last = at + MAX_ADDS_PER_FRAME >= mutation.adds.length;
    const data = {
      ...mutation,
      adds: mutation.adds.slice(at, at + MAX_ADDS_PER_FRAME),
      removes: at === 0 ? mutation.removes : [],
      texts: last ? mutation.texts : [],
      attributes: last ? mutation.attributes : [],
    };
    parts.push({ ...event, data });
  }
  return parts;
}
