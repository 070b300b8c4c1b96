import { record } from 'rrweb';
import { BATCH_INTERVAL_MS, MAX_BATCH_BYTES, MAX_EVENTS_PER_BATCH, PACK_THRESHOLD_BYTES } from '../protocol/limits.ts';
import { MASKED_PAGE_EVENT_TAG, type EventBatch, type PointerTarget, type RecordedEvent } from '../protocol/messages.ts';
import { isPackedEvents, packedJson } from '../protocol/packed-events.ts';
import type { CanvasMirror, mirrorCanvases } from './canvas/index.ts';
import type { packEvents } from './pack.ts';
import { pageAddress, replaceAddresses } from '../protocol/page-address.ts';
import { rememberConstructedCss, restoreAdoptedCss, restoreStyleElement } from './authored-css.ts';
import { createMaskMarker, createMasking, NO_EXTRA_MASKING, type Masking, type MaskingRules } from './masking.ts';
import { markOpenPopover, watchPopovers } from './popovers.ts';
import { forEachSerializedNode } from './serialized-nodes.ts';
import { WIDGET_ROOT_ID } from './ui/root.ts';

/**
 * Events kept while the socket is down. Past this the buffer is dropped: the agent resyncs from
 * the full snapshot taken on reconnect, so only the page's history in between is lost.
 */
export const MAX_OFFLINE_BUFFER_BYTES = 2 * 1024 * 1024;

/** rrweb's event types (EventType): a full snapshot, a change, a custom event, the Meta event. */
const FULL_SNAPSHOT = 2;
const INCREMENTAL = 3;
const CUSTOM = 5;
const META = 4;

/**
 * Changes that leave the page's DOM as it was (pointer moves and clicks, touch, drag, text
 * selection: rrweb's incremental sources 1, 2, 6, 12, 14) are not kept to rebuild it.
 */
const TRANSIENT_SOURCES = new Set([1, 2, 6, 12, 14]);

/** rrweb's incremental source of a media element's play, pause or seek, and its "play". */
const MEDIA_INTERACTION = 7;
const MEDIA_PLAY = 0;

/** rrweb's incremental source of a shadow root's or document's adopted stylesheets. */
const ADOPTED_STYLE_SHEET = 15;

const nodeOf = (id: number): Node | null => record.mirror.getNode(id);

/**
 * rrweb blocks the widget's host, yet records the stylesheet its shadow root adopts: the
 * widget's own styles are not sent (and do not count as a change to the page).
 */
function isWidgetStyles(event: RecordedEvent): boolean {
  const data = event.data as { source?: number; id?: number };
  if (event.type !== INCREMENTAL || data.source !== ADOPTED_STYLE_SHEET) return false;
  const node = nodeOf(data.id!);
  const host = node instanceof ShadowRoot ? node.host : node;
  return host instanceof Element && host.id === WIDGET_ROOT_ID;
}

/**
 * The last full snapshot is kept with the changes since, and sent again (stamped now) when an
 * agent asks for a snapshot: rebuilding a large page's snapshot took the customer's browser
 * most of a second. Past this much JSON of changes, or this many, a fresh snapshot is sent.
 */
export const MAX_CHECKOUT_CHANGE_BYTES = 512 * 1024;
export const MAX_CHECKOUT_CHANGES = 10_000;

/** How often the page address is checked against the masked page patterns (single-page apps). */
const PAGE_CHECK_INTERVAL_MS = 250;

/**
 * A large batch (a full snapshot, a big mutation) goes as one packed event, deflated here; small
 * ones, and the hidden-page notice the server reads, go as they are. Null: too large to send.
 */
async function pack(
  events: RecordedEvent[],
  packing: () => Promise<{ packEvents: typeof packEvents }>,
): Promise<{ sendable: RecordedEvent[] | null; bytes: number }> {
  if (events.length === 1 && isPackedEvents(events[0]!)) return { sendable: events, bytes: 0 };
  if (events.some(isHiddenPageEvent)) {
    const bytes = JSON.stringify(events).length;
    return { sendable: bytes > MAX_BATCH_BYTES ? null : events, bytes };
  }
  // Serialized once, as packed: only a small batch, sent as it is, is serialized again (by the socket).
  const json = packedJson(events);
  if (json.length <= PACK_THRESHOLD_BYTES) return { sendable: events, bytes: json.length };
  const packed = await (await packing()).packEvents(events, json);
  return { sendable: packed && [packed], bytes: json.length };
}

/** A DOM change touching more than 1,000 nodes. */
const isLargeChange = (event: RecordedEvent) => {
  const data = event.data as { source?: number; adds?: unknown[]; removes?: unknown[]; texts?: unknown[]; attributes?: unknown[] };
  return (
    event.type === 3 &&
    data.source === 0 &&
    (data.adds?.length ?? 0) + (data.removes?.length ?? 0) + (data.texts?.length ?? 0) + (data.attributes?.length ?? 0) > 1000
  );
};

const isHiddenPageEvent = (event: RecordedEvent) =>
  event.type === CUSTOM && (event.data as { tag?: unknown }).tag === MASKED_PAGE_EVENT_TAG;

/** Records the customer's page with rrweb (masking applied here, in the browser) and sends it in batches. */
export interface Recorder {
  /**
   * Starts recording under these masking rules (a full snapshot first); when already recording
   * under the same rules, sends a full snapshot again (see `snapshot`).
   */
  start(rules?: MaskingRules): void;
  /**
   * Sends a full snapshot, e.g. when an agent joins or resyncs: the last one with the changes
   * since while they are few, else a fresh one.
   */
  snapshot(): void;
  /** Whether batches can be sent now; while offline they are buffered (bounded). */
  setOnline(online: boolean): void;
  /** Stops recording and forgets everything not yet sent. */
  stop(): void;
  /** Where an agent's pointer lands in this viewport: on the same element when it is known. */
  locate(target: PointerTarget): [x: number, y: number];
  /** The masking in force, for checking agent actions (null when not recording). */
  masking(): Masking | null;
  /** The page's node rrweb recorded under this id, if it is still known. */
  node(id: number): Node | null;
  /** rrweb's id of a page node while the page is recorded (else -1). */
  id(node: Node): number;
  /** Called with each snapshot, taken afresh or sent again, before it is queued: what the agent's view had is rebuilt. */
  snapshotted?: () => void;
  /** Sends an event of the widget's own (an rrweb custom event) with the page's. */
  custom(tag: string, payload: unknown): void;
}

/**
 * Creates the recorder; `send` hands over one batch and settles when the socket can take the next;
 * `loadChunk` loads one of the widget's chunks: the packing code once recording starts, and the
 * canvas mirror (widget/canvas) only once the page has a canvas.
 */
export function createRecorder(
  send: (batch: EventBatch) => Promise<unknown>,
  loadChunk: <T>(name: 'pack' | 'canvas') => Promise<T>,
): Recorder {
  let packCode: Promise<{ packEvents: typeof packEvents }> | undefined;
  const packing = () =>
    (packCode ??= loadChunk<{ packEvents: typeof packEvents }>('pack').catch((error: unknown) => {
      packCode = undefined; // asked again for the next large batch
      throw error;
    }));
  rememberConstructedCss();
  const canvases = document.getElementsByTagName('canvas');
  /** The canvas mirror while recording: null while its code loads (or where it cannot run). */
  let canvasMirror: CanvasMirror | null | undefined;
  let stopRecording: (() => void) | undefined;
  let buffer: RecordedEvent[] = [];
  let offlineBytes = 0;
  let online = false;
  let sending = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastSentAt = 0;
  let seq = 0;
  let lastHref = location.href;
  let masking: Masking | null = null;
  let rulesKey = '';
  /** The query parameters page addresses keep (the site's rule); every other one is stripped. */
  let keptParameters: readonly string[] = [];
  /** This page's address as it may leave the browser: no fragment, only the kept parameters. */
  const shownAddress = () => pageAddress(location.href, keptParameters);
  let markMasked: (event: RecordedEvent) => void = () => {};
  let pageTimer: ReturnType<typeof setInterval> | undefined;
  /** What the agent was last given of this page: 'recorded', or why (and where) it is hidden. */
  let shownPage: string | undefined;
  /**
   * The last Meta event and full snapshot, the changes recorded since, and
   * the packed event that carried the snapshot with the first `packedChanges` of them.
   */
  let checkout: {
    meta: RecordedEvent;
    full: RecordedEvent;
    changes: RecordedEvent[];
    bytes: number;
    packed?: RecordedEvent;
    packedChanges?: number;
    /** Whether the snapshot is still waiting to be handed to the socket. */
    pending: boolean;
  } | null = null;
  let lastMeta: RecordedEvent | null = null;
  const dropCheckout = () => {
    checkout = lastMeta = null;
  };
  /** Keeps what rebuilds the page as it is now: a new snapshot, or a change to the last one. */
  const keep = (event: RecordedEvent) => {
    if (event.type === META) {
      checkout = null;
      lastMeta = event;
    } else if (event.type === FULL_SNAPSHOT && lastMeta) {
      canvasMirror?.resend();
      recorder.snapshotted?.();
      checkout = { meta: lastMeta, full: event, changes: [], bytes: 0, pending: true };
      lastMeta = null;
    } else if (checkout && !(event.type === INCREMENTAL && TRANSIENT_SOURCES.has((event.data as { source?: number }).source!))) {
      if (checkout.changes.push(event) > MAX_CHECKOUT_CHANGES) dropCheckout();
    }
  };
  const countChanges = (bytes: number) => {
    if (checkout && (checkout.bytes += bytes) > MAX_CHECKOUT_CHANGE_BYTES) dropCheckout();
  };

  // One batch handed over at a time keeps batches in order and lets them grow under load.
  const schedule = () => {
    if (online && !sending && !timer && buffer.length) timer = setTimeout(flush, lastSentAt + BATCH_INTERVAL_MS - Date.now());
  };
  const flush = () => {
    timer = undefined;
    checkPage();
    if (!online || sending || !buffer.length) return;
    // A snapshot sent again as it was packed goes on its own.
    const events = buffer.splice(0, isPackedEvents(buffer[0]!) ? 1 : MAX_EVENTS_PER_BATCH);
    offlineBytes = 0;
    sending = true;
    lastSentAt = Date.now();
    const kept = checkout;
    const snapshots = events.some((event) => event.type === FULL_SNAPSHOT);
    const handed = () => {
      if (kept && events.includes(kept.full)) kept.pending = false;
    };
    pack(events, packing)
      .then(({ sendable, bytes }) => {
        handed();
        if (!snapshots && kept === checkout) countChanges(bytes);
        if (kept && events.includes(kept.full) && sendable?.length === 1 && isPackedEvents(sendable[0]!)) {
          kept.packed = sendable[0];
          kept.packedChanges = kept.changes.filter((change) => events.includes(change)).length;
        }
        // The server would refuse a too-large batch, and every reconnect would send the same
        // snapshot again; skipping it keeps the session (pointer, exit) working.
        if (!sendable) {
          if (snapshots) dropCheckout();
          return console.warn('Co-browse: this page is too large to share.');
        }
        return send({ seq: ++seq, sentAt: Date.now(), events: sendable });
      })
      .catch(() => {
        handed();
        // A rejected batch is not retried: the next full snapshot resyncs the agent.
      })
      .finally(() => {
        sending = false;
        schedule();
      });
  };

  const queue = (event: RecordedEvent) => {
    buffer.push(event);
    // A full snapshot or a large change goes at once: before the page lays it out (hundreds of
    // ms for thousands of nodes), and not after the rest of rrweb's start and a frame.
    if (online && !sending && (event.type === FULL_SNAPSHOT || isLargeChange(event))) {
      clearTimeout(timer);
      return flush();
    }
    if (!online) {
      const bytes = JSON.stringify(event).length;
      countChanges(bytes);
      if ((offlineBytes += bytes) > MAX_OFFLINE_BUFFER_BYTES) {
        if (checkout) checkout.pending = false; // dropped with the rest: sent again when asked
        buffer = [];
        offlineBytes = 0;
      }
    }
    schedule();
  };
  const emit = (event: RecordedEvent) => {
    // A single-page app changed its URL without a page load: a fresh snapshot carries the new
    // address (rrweb's Meta event) and rebuilds the agent's view on a clean base — unless the
    // new page is one agents may not see, of which this event is already part.
    if (location.href !== lastHref) {
      lastHref = location.href;
      checkPage();
      if (!stopRecording) return;
      // The kept snapshot holds the old address: this one is taken afresh.
      dropCheckout();
      queueMicrotask(snapshot);
    }
    if (isWidgetStyles(event)) return;
    // What rrweb's recording loses: whether a popover is open, and CSS as written.
    forEachSerializedNode(event, (node) => {
      markOpenPopover(node, nodeOf);
      restoreStyleElement(node, nodeOf);
    });
    restoreAdoptedCss(event, nodeOf);
    hideAddress(event);
    markMasked(event);
    keep(event);
    queue(event);
  };
  /**
   * The page's address leaves the browser stripped: as rrweb's Meta event, and wherever rrweb
   * wrote it into the page — it resolves a link to `#top` or `""` against the page, so such a
   * link would carry the query — or the page itself did.
   */
  const hideAddress = (event: RecordedEvent) => {
    if (event.type === META) {
      const data = event.data as { href?: unknown };
      if (typeof data.href === 'string') data.href = pageAddress(data.href, keptParameters);
    }
    const href = location.href;
    const shown = shownAddress();
    if (href === shown) return;
    const withoutFragment = href.split('#', 1)[0]!;
    replaceAddresses(event, withoutFragment === href || withoutFragment === shown ? [href] : [href, withoutFragment], shown);
  };
  /** Instead of a hidden page, the agent gets its address (stripped as always) and the reason. */
  const sendHiddenPage = (reason: string) =>
    queue({
      type: CUSTOM,
      data: { tag: MASKED_PAGE_EVENT_TAG, payload: { href: shownAddress(), reason } },
      timestamp: Date.now(),
    });
  const snapshot = () => {
    if (!masking) return;
    const hiddenBecause = masking.pageHiddenBecause(location.href);
    if (hiddenBecause) return sendHiddenPage(hiddenBecause);
    if (checkout && stopRecording) return sendCheckout(checkout);
    try {
      record.takeFullSnapshot(true);
    } catch {
      // Not recording yet (the page is still loading): the first snapshot is on its way.
    }
  };
  /**
   * Where each audio and video that plays is now, as rrweb records a play: a snapshot sent
   * again holds where it was when recorded, and would start the agent's copy that far behind.
   */
  const playingMedia = (now: number): RecordedEvent[] =>
    Array.from(document.querySelectorAll<HTMLMediaElement>('audio, video'), (media) => {
      const id = record.mirror.getId(media);
      if (media.paused || id < 1 || masking?.isMasked(media)) return [];
      const { currentTime, volume, muted, playbackRate, loop } = media;
      const data = { source: MEDIA_INTERACTION, type: MEDIA_PLAY, id, currentTime, volume, muted, playbackRate, loop };
      return [{ type: INCREMENTAL, data, timestamp: now }];
    }).flat();
  /**
   * The kept snapshot and its changes go out again, in place of the changes not yet sent, as
   * recorded now: a recording replays them in order, and the agent's view rebuilds at the Meta
   * event. Pointer moves waiting to be sent follow, then where playing media are now.
   */
  const sendCheckout = ({ meta, full, changes, packed, packedChanges, pending }: NonNullable<typeof checkout>) => {
    // Not yet handed to the socket: it leaves after this request came in, so whoever asked (and
    // is following the stream by now) gets it with the changes after it.
    if (pending) return;
    canvasMirror?.resend();
    recorder.snapshotted?.();
    const now = Date.now();
    const stamp = (event: RecordedEvent) => ({ ...event, timestamp: now });
    const resent = new Set([meta, full, ...changes]);
    const rest = buffer.filter((event) => !resent.has(event));
    // Nothing changed since the packed snapshot and what went with it: it goes again as it went
    // (a recording then holds the same snapshot twice, at its own time) and costs nothing to send.
    buffer = [
      ...(packed && changes.length === packedChanges ? [packed] : [stamp(meta), stamp(full), ...changes.map(stamp)]),
      ...rest,
      ...playingMedia(now),
    ];
    schedule();
  };
  const stopRecorder = () => {
    stopRecording?.();
    stopRecording = undefined;
    canvasMirror?.stop();
    canvasMirror = undefined;
    dropCheckout();
  };
  /** Canvas frames skip the checkout: a snapshot sent again asks every canvas anew instead. */
  const watchCanvases = () => {
    if (canvasMirror !== undefined || !canvases.length || !stopRecording) return;
    canvasMirror = null;
    const recording = stopRecording;
    loadChunk<{ mirrorCanvases: typeof mirrorCanvases }>('canvas').then(
      (code) => {
        if (recording !== stopRecording) return;
        canvasMirror = code.mirrorCanvases({
          idOf: (canvas) => record.mirror.getId(canvas),
          masked: (canvas) => masking?.isMasked(canvas) !== false,
          send: queue,
        });
      },
      () => recording === stopRecording && (canvasMirror = undefined), // tried again on the next check
    );
  };
  const startRecorder = (active: Masking) => {
    lastHref = location.href;
    const stopRrweb =
      record<RecordedEvent>({
        emit,
        ...active.recordOptions,
        // Every move is kept (rrweb's throttle drops the one where the pointer stops), and the
        // positions go out once per frame rather than rrweb's default 500 ms.
        sampling: { mousemove: 0, mousemoveCallback: BATCH_INTERVAL_MS, scroll: 50 },
        inlineStylesheet: true,
        recordCanvas: false,
        collectFonts: false,
        // Images are never inlined: a masked one is blocked before its address is read.
        inlineImages: false,
      }) ?? (() => {});
    const stopPopovers = watchPopovers((node) => record.mirror.getId(node), emit);
    stopRecording = () => {
      stopPopovers();
      stopRrweb();
    };
    watchCanvases();
  };
  /**
   * Records the page, or tells the agent it is hidden. Run on every batch and URL change,
   * and on a timer for single-page apps that move on quietly: a page that became hidden drops
   * whatever was recorded since, as that may already show it.
   */
  const checkPage = () => {
    if (!masking) return;
    watchCanvases();
    const hiddenBecause = masking.pageHiddenBecause(location.href);
    const now = hiddenBecause === null ? 'recorded' : `${hiddenBecause} ${location.pathname}`;
    if (now === shownPage) return;
    shownPage = now;
    stopRecorder();
    if (hiddenBecause === null) return startRecorder(masking);
    buffer = [];
    sendHiddenPage(hiddenBecause);
  };

  const recorder: Recorder = {
    start(rules = NO_EXTRA_MASKING) {
      void packing().catch(() => {});
      const key = JSON.stringify(rules);
      if (masking && key === rulesKey) return snapshot();
      stopRecorder();
      clearInterval(pageTimer);
      rulesKey = key;
      keptParameters = rules.keptQueryParameters;
      shownPage = undefined;
      masking = createMasking(rules);
      markMasked = createMaskMarker(masking, nodeOf);
      checkPage();
      pageTimer = setInterval(checkPage, PAGE_CHECK_INTERVAL_MS);
    },
    snapshot,
    setOnline(value) {
      online = value;
      schedule();
    },
    stop() {
      stopRecorder();
      clearInterval(pageTimer);
      masking = null;
      rulesKey = '';
      clearTimeout(timer);
      timer = undefined;
      buffer = [];
      online = false;
    },
    masking: () => masking,
    node: nodeOf,
    id: (node) => (stopRecording ? record.mirror.getId(node) : -1),
    custom: (tag, payload) => queue({ type: CUSTOM, data: { tag, payload }, timestamp: Date.now() }),
    locate(target) {
      const node = target.nodeId === undefined ? null : nodeOf(target.nodeId);
      if (node instanceof Element) {
        const box = node.getBoundingClientRect();
        return [box.left + (target.rx ?? 0.5) * box.width, box.top + (target.ry ?? 0.5) * box.height];
      }
      return [target.x, target.y];
    },
  };
  return recorder;
}
