import { FRAME_EVENTS_TAG, type RecordedEvent } from '../../protocol/messages';
import { isPackedEvents, unpackEvents } from '../../protocol/packed-events';

const FULL_SNAPSHOT = 2;
const INCREMENTAL = 3;
const CUSTOM = 5;
const DOCUMENT_NODE = 0;

/** rrweb's incremental sources, as far as their ids go. */
const MUTATION = 0;
const POSITION_SOURCES = new Set([1, 6, 12]); // mouse move, touch move, drag: `positions[].id`
const ID_SOURCES = new Set([2, 3, 5, 7, 9]); // clicks, scroll, input, media, canvas: `id`
const STYLE_SOURCES = new Set([8, 13]); // stylesheet rules and declarations: `id`, `styleId`
const SELECTION = 14;
const ADOPTED_STYLE_SHEET = 15;

/**
 * The attribute the agent's view gives an iframe once the frame's own page is attached to it:
 * it no longer shows the placeholder of another site's frame.
 */
export const SHARED_FRAME_ATTRIBUTE = 'data-cobrowse-frame-shared';

/**
 * A frame's ids move into a range of their own, far above any the customer's page numbers its
 * nodes with (a page holds well under 2^21 nodes): 2^32 + the iframe's id × 2^21 + the frame's id.
 */
const FRAME_ID_RANGE = 2 ** 21;
const MAX_FRAME_NODE_ID = 2 ** 20;
const rangeOf = (frame: number) => 2 ** 32 + frame * FRAME_ID_RANGE;

type Json = Record<string, unknown>;

/** Whether an event carries a trusted frame's own events (widget/frames). */
export function isFrameEvents(event: RecordedEvent): boolean {
  return event.type === CUSTOM && (event.data as { tag?: unknown } | null)?.tag === FRAME_EVENTS_TAG;
}

class OutOfRange extends Error {}

/**
 * The events a frame recorded of itself, made events of the customer's page: its full snapshot
 * becomes an addition of its document to the iframe (as rrweb attaches a frame's page), followed
 * by the mark that ends the iframe's placeholder; every id (nodes and stylesheets) moves into the
 * frame's range. Packed events are inflated first. What rrweb's frames never send to their
 * parent (Meta, viewport sizes), the widget's own custom events and anything malformed are dropped.
 */
export async function frameReplayEvents(event: RecordedEvent): Promise<RecordedEvent[]> {
  const payload = (event.data as { payload?: { frame?: unknown; events?: unknown } }).payload;
  const frame = payload?.frame;
  if (typeof frame !== 'number' || !Number.isSafeInteger(frame) || frame < 1 || frame >= MAX_FRAME_NODE_ID) return [];
  if (!Array.isArray(payload?.events)) return [];
  const events: RecordedEvent[] = [];
  // Moved in a copy: the stream's own event stays as it came.
  for (const inner of structuredClone(payload.events) as RecordedEvent[]) {
    if (inner && isPackedEvents(inner)) events.push(...(await unpackEvents(inner.data.payload)));
    else if (inner && typeof inner === 'object') events.push(inner);
  }
  const base = rangeOf(frame);
  const move = (id: unknown) => {
    if (typeof id !== 'number' || id < 1) return id; // null, -1: "none" stay as they are
    if (!Number.isSafeInteger(id) || id >= MAX_FRAME_NODE_ID) throw new OutOfRange();
    return base + id;
  };
  const moveKeys = (object: unknown, keys: string[]) => {
    if (!object || typeof object !== 'object') return;
    const record = object as Json;
    for (const key of keys) {
      const value = record[key];
      record[key] = Array.isArray(value) ? value.map(move) : move(value);
    }
  };
  /** Moves a serialized tree's ids, and places it in the frame's document (walked without recursion). */
  const moveTree = (root: unknown, rootId: number | null) => {
    const pending = [root];
    while (pending.length) {
      const node = pending.pop() as Json | null;
      if (!node || typeof node !== 'object') continue;
      moveKeys(node, ['id', 'rootId']);
      if (rootId !== null && node.type !== DOCUMENT_NODE && !node.rootId) node.rootId = rootId;
      if (Array.isArray(node.childNodes)) pending.push(...(node.childNodes as unknown[]));
    }
  };
  let rootId: number | null = null;
  const replayed: RecordedEvent[] = [];
  for (const inner of events) {
    // In the page's order, at the time the page took them in (the frame's clock may differ).
    inner.timestamp = event.timestamp;
    const data = inner.data as Json;
    try {
      if (inner.type === FULL_SNAPSHOT && data?.node && typeof data.node === 'object') {
        rootId = move((data.node as Json).id) as number;
        moveTree(data.node, rootId);
        const adds = [{ parentId: frame, nextId: null, node: data.node }];
        replayed.push(
          {
            type: INCREMENTAL,
            timestamp: inner.timestamp,
            data: { source: MUTATION, adds, removes: [], texts: [], attributes: [], isAttachIframe: true },
          },
          {
            type: INCREMENTAL,
            timestamp: inner.timestamp,
            data: {
              source: MUTATION,
              adds: [],
              removes: [],
              texts: [],
              attributes: [{ id: frame, attributes: { [SHARED_FRAME_ATTRIBUTE]: '' } }],
            },
          },
        );
        continue;
      }
      if (inner.type !== INCREMENTAL || !data || typeof data !== 'object') continue;
      const source = data.source as number;
      if (source === MUTATION) {
        for (const add of (data.adds as Json[] | undefined) ?? []) {
          moveKeys(add, ['parentId', 'nextId', 'previousId']);
          moveTree(add.node, rootId);
        }
        for (const remove of (data.removes as Json[] | undefined) ?? []) moveKeys(remove, ['parentId', 'id']);
        for (const change of [...((data.attributes as Json[] | undefined) ?? []), ...((data.texts as Json[] | undefined) ?? [])])
          moveKeys(change, ['id']);
      } else if (POSITION_SOURCES.has(source)) (data.positions as Json[] | undefined)?.forEach((position) => moveKeys(position, ['id']));
      else if (ID_SOURCES.has(source)) moveKeys(data, ['id']);
      else if (STYLE_SOURCES.has(source)) moveKeys(data, ['id', 'styleId']);
      else if (source === SELECTION) (data.ranges as Json[] | undefined)?.forEach((range) => moveKeys(range, ['start', 'end']));
      else if (source === ADOPTED_STYLE_SHEET) {
        moveKeys(data, ['id', 'styleIds']);
        (data.styles as Json[] | undefined)?.forEach((style) => moveKeys(style, ['styleId']));
      } else continue; // viewport sizes and what else a frame has no business sending
      replayed.push(inner);
    } catch (error) {
      if (!(error instanceof OutOfRange)) throw error;
    }
  }
  return replayed;
}

/** A recording's events with each frame's own events in place (see `frameReplayEvents`); a frame's that cannot be read are left out. */
export async function withFrameEvents(events: RecordedEvent[]): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  for (const event of events)
    if (!isFrameEvents(event)) all.push(event);
    else all.push(...(await frameReplayEvents(event).catch(() => [])));
  return all;
}

/** The placeholder's words, naming the other site, drawn as an image: an iframe shows no content of its own. */
export function otherSiteLabel(origin: string): string {
  let host = origin;
  try {
    host = new URL(origin).host;
  } catch {
    // not an origin: shown as it came
  }
  const escape = (text: string) => text.replace(/[&<>'"]/g, (char) => `&#${char.charCodeAt(0)};`);
  const svg =
    "<svg xmlns='http://www.w3.org/2000/svg' width='360' height='76'>" +
    "<g fill='none' stroke='#6b7280' stroke-width='1.8' stroke-linecap='round' stroke-linejoin='round' transform='translate(168 4)'>" +
    "<rect x='3' y='3' width='18' height='16' rx='2'/><path d='M3 8h18'/><path d='M8 13l8 0'/></g>" +
    `<text x='180' y='44' text-anchor='middle' font-family='system-ui, sans-serif' font-size='14' font-weight='600' fill='#374151'>Content from ${escape(host.slice(0, 60))}</text>` +
    "<text x='180' y='64' text-anchor='middle' font-family='system-ui, sans-serif' font-size='13' fill='#6b7280'>is not shared with agents</text></svg>";
  return `url("data:image/svg+xml,${encodeURIComponent(svg)}")`;
}

/** The CSS property that carries each placeholder's own label (see the frame rule in agent-marks.ts). */
export const FRAME_LABEL_PROPERTY = '--cobrowse-frame-label';
