import { MAX_PACKED_BYTES, MAX_UNPACKED_BYTES } from './limits.ts';
import { PACKED_EVENTS_TAG, type PackedEvents, type PackedEventsEvent, type RecordedEvent } from './messages.ts';

/**
 * Packing of large batches (full snapshots, big mutations): the widget deflates their JSON with
 * the browser's CompressionStream, the server passes the result on unopened, and the agent's page
 * (or the supervisor's replay) inflates it again — never past its declared size. Web-platform
 * code only (Compression Streams, Response, atob/btoa): it runs in browsers and in Node alike.
 *
 * Inside, a full snapshot's nodes leave out the ids rrweb numbers them with in document order:
 * a node without an id has the id after the node before it (depth first), so only the ids that
 * break the count travel. Counting ids deflate badly — they held over half of a large page's
 * packed bytes. Unpacking restores them and refuses a tree whose ids are not unique positive
 * integers.
 */

const ENCODING = 'deflate-raw';
const FULL_SNAPSHOT_EVENT = 2;
const META_EVENT = 4;
const CUSTOM_EVENT = 5;

/** A node of rrweb's serialized tree, as far as ids go. */
interface TreeNode {
  id?: number;
  childNodes?: TreeNode[];
  [key: string]: unknown;
}

const isTreeNode = (value: unknown): value is TreeNode => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Gives every node of an unpacked tree its id back, in place: the one it carries, or the one
 * after the node before it. Throws on anything but a tree of objects with unique positive ids
 * (walked without recursion: the depth is the sender's to choose).
 */
function restoreIds(root: unknown): void {
  const seen = new Set<number>();
  const pending: unknown[] = [root];
  let previous = 0;
  while (pending.length) {
    const node = pending.pop();
    if (!isTreeNode(node) || typeof node.type !== 'number') throw new Error('Packed snapshot holds a node that is not one.');
    const id = node.id === undefined ? previous + 1 : node.id;
    if (!Number.isSafeInteger(id) || id < 1 || seen.has(id))
      throw new Error(`Packed snapshot holds a bad or repeated node id (${String(id)}).`);
    seen.add(id);
    node.id = previous = id;
    const children = node.childNodes;
    if (children === undefined) continue;
    if (!Array.isArray(children)) throw new Error('Packed snapshot holds child nodes that are not a list.');
    for (let i = children.length - 1; i >= 0; i--) pending.push(children[i]);
  }
}

/** Whether an event stands for a packed run of events. */
export function isPackedEvents(event: RecordedEvent): event is PackedEventsEvent {
  return event.type === CUSTOM_EVENT && (event.data as { tag?: unknown } | null)?.tag === PACKED_EVENTS_TAG;
}

function toBase64(bytes: Uint8Array): string {
  let text = '';
  for (let at = 0; at < bytes.length; at += 0x8000) text += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  return btoa(text);
}

/**
 * Hides, in place, the ids of a tree's nodes that follow the one before (depth first): set to
 * undefined, which JSON leaves out. The nodes and their ids are added to `nodes` and `ids`, to be
 * put back.
 */
function hideCountingIds(root: TreeNode, nodes: TreeNode[], ids: number[]): void {
  const pending = [root];
  let previous = NaN;
  while (pending.length) {
    const node = pending.pop()!;
    // A node that already lacks its id (parsed from packed JSON) keeps counting.
    const id = node.id ?? previous + 1;
    if (node.id === previous + 1) {
      nodes.push(node);
      ids.push(id);
      node.id = undefined;
    }
    previous = id;
    const children = node.childNodes;
    if (children) for (let i = children.length - 1; i >= 0; i--) pending.push(children[i]!);
  }
}

/**
 * The JSON a run of events is packed as: full snapshots without their counting ids. The trees
 * are rrweb's own (its mirror keeps them), so the ids are hidden only while the JSON is made and
 * then put back — a copy of a large page's tree cost more than making its JSON.
 */
export function packedJson(events: RecordedEvent[]): string {
  const nodes: TreeNode[] = [];
  const ids: number[] = [];
  for (const event of events) {
    const root = (event.data as { node?: unknown } | null)?.node;
    if (event.type === FULL_SNAPSHOT_EVENT && isTreeNode(root)) hideCountingIds(root, nodes, ids);
  }
  try {
    return JSON.stringify(events);
  } finally {
    for (let i = 0; i < nodes.length; i++) nodes[i]!.id = ids[i];
  }
}

/**
 * Packs events (already serialized as `json`, by packedJson) into one event of the same place in the stream, or
 * returns null when even packed they would be over the limits. The Meta event's address, if any,
 * travels beside the packed data: the server audits page visits without opening it.
 */
export async function packEvents(events: RecordedEvent[], json: string): Promise<PackedEventsEvent | null> {
  // Each character is at least a byte. Encoded into a buffer of the most it can take: in
  // Chromium encodeInto took half the time encode did.
  if (json.length > MAX_UNPACKED_BYTES) return null;
  const buffer = new Uint8Array(json.length * 3);
  const bytes = buffer.subarray(0, new TextEncoder().encodeInto(json, buffer).written);
  if (bytes.length > MAX_UNPACKED_BYTES) return null;
  // Written and read straight, not through a Blob's stream: every step is a microtask, so the
  // page does not lay out a large change before its batch is packed and sent.
  const stream = new CompressionStream(ENCODING);
  const writer = stream.writable.getWriter();
  writer.write(bytes).catch(() => {}); // a failure surfaces in the reads below
  writer.close().catch(() => {});
  const reader = stream.readable.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    chunks.push(read.value);
    length += read.value.length;
  }
  const deflated = new Uint8Array(length);
  chunks.reduce((at, chunk) => (deflated.set(chunk, at), at + chunk.length), 0);
  const data = toBase64(deflated);
  if (data.length > MAX_PACKED_BYTES) return null;
  const href = (events.find((event) => event.type === META_EVENT)?.data as { href?: unknown } | undefined)?.href;
  const payload: PackedEvents = { encoding: ENCODING, size: bytes.length, data, ...(typeof href === 'string' && { href }) };
  return { type: CUSTOM_EVENT, timestamp: events[0]!.timestamp, data: { tag: PACKED_EVENTS_TAG, payload } };
}

/**
 * The events a packed event stands for. Refuses — with an error, before or while inflating — a
 * payload declaring more than `maxBytes`, or inflating to more than it declared (a
 * decompression bomb stops there), and anything that is not a JSON array of events.
 */
export async function unpackEvents(packed: PackedEvents, maxBytes = MAX_UNPACKED_BYTES): Promise<RecordedEvent[]> {
  if (packed.encoding !== ENCODING) throw new Error(`Packed events in an unknown encoding (${String(packed.encoding)}).`);
  if (!Number.isSafeInteger(packed.size) || packed.size < 0 || packed.size > maxBytes)
    throw new Error(`Packed events would inflate to ${packed.size} bytes, over the ${maxBytes}-byte limit.`);
  const binary = atob(packed.data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream(ENCODING)).getReader();
  const inflated = new Uint8Array(packed.size);
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (length + value.length > packed.size) {
      await reader.cancel().catch(() => {});
      throw new Error(`Packed events inflate beyond their declared ${packed.size} bytes.`);
    }
    inflated.set(value, length);
    length += value.length;
  }
  const events: unknown = JSON.parse(new TextDecoder().decode(inflated.subarray(0, length)));
  if (!Array.isArray(events)) throw new Error('Packed events are not a list of events.');
  for (const event of events as unknown[]) {
    if (!isTreeNode(event)) throw new Error('Packed events hold something that is not an event.');
    if (event.type === FULL_SNAPSHOT_EVENT) restoreIds((event.data as { node?: unknown } | null)?.node);
  }
  return events as RecordedEvent[];
}

/** A stream of events with every packed run inflated in its place (a recording, for replay); refused runs are left out. */
export async function unpackAll(events: RecordedEvent[]): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  for (const event of events) {
    if (!isPackedEvents(event)) all.push(event);
    else for (const inner of await unpackEvents(event.data.payload).catch((error: unknown) => (console.error(error), []))) all.push(inner);
  }
  return all;
}
