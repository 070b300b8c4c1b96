import { PACKED_EVENTS_TAG, type PackedEvents, type RecordedEvent, type StreamMessage } from '../../protocol/messages.ts';
import { isPackedEvents, unpackAll, unpackEvents } from '../../protocol/packed-events.ts';

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

/** The next full snapshot (rrweb event type 2) on a raw agent stream, inflating packed batches to find it. */
export async function nextFullSnapshot(stream: {
  next: (match: (message: StreamMessage) => boolean) => Promise<StreamMessage>;
}): Promise<RecordedEvent> {
  for (;;) {
    const message = await stream.next((m) => m.type === 'events' && m.batch.events.some((e) => e.type === 2 || isPackedEvents(e)));
    const snapshot = message.type === 'events' ? (await unpackAll(message.batch.events)).find((e) => e.type === 2) : undefined;
    if (snapshot) return snapshot;
  }
}
