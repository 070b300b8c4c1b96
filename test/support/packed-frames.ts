import { PACKED_EVENTS_TAG, type PackedEvents } from '../../protocol/messages.ts';
import { unpackEvents } from '../../protocol/packed-events.ts';

function packedIn(value: unknown, found: PackedEvents[]): PackedEvents[] {
  if (Array.isArray(value)) value.forEach((item) => packedIn(item, found));
  else if (typeof value === 'object' && value !== null) {
    const record = value as { tag?: unknown; payload?: unknown };
    if (record.tag === PACKED_EVENTS_TAG) found.push(record.payload as PackedEvents);
    else Object.values(record).forEach((item) => packedIn(item, found));
  }
  return found;
}

/**
 * Captured traffic with every packed run of events inflated beside the frame that carried it:
 * a leak check that searched only the frames would never look inside a packed snapshot. Fails
 * on a packed frame it cannot read. `packed` counts the runs inflated.
 */
export async function withUnpacked(texts: string[]): Promise<{ texts: string[]; packed: number }> {
  const all = [...texts];
  let packed = 0;
  for (const text of texts) {
    if (!text.includes(PACKED_EVENTS_TAG)) continue;
    for (const payload of packedIn(JSON.parse(text), [])) {
      all.push(JSON.stringify(await unpackEvents(payload)));
      packed++;
    }
  }
  return { texts: all, packed };
}
