import { record } from 'rrweb';
import { BATCH_INTERVAL_MS, MAX_BATCH_BYTES, MAX_EVENTS_PER_BATCH, PACK_THRESHOLD_BYTES } from '../protocol/limits.ts';
import { MASKED_PAGE_EVENT_TAG, type EventBatch, type PointerTarget, type RecordedEvent } from '../protocol/messages.ts';
import { packedJson, packEvents } from '../protocol/packed-events.ts';
import { createMaskMarker, createMasking, NO_EXTRA_MASKING, type Masking, type MaskingRules } from './masking.ts';

/**
 * Events kept while the socket is down. Past this the buffer is dropped: the agent resyncs from
 * the full snapshot taken on reconnect, so only the page's history in between is lost.
 */
export const MAX_OFFLINE_BUFFER_BYTES = 2 * 1024 * 1024;

/** rrweb's event type of a custom event (EventType.Custom). */
const CUSTOM = 5;

/** How often the page address is checked against the masked page patterns (single-page apps). */
const PAGE_CHECK_INTERVAL_MS = 250;

/**
 * A large batch (a full snapshot, a big mutation) goes as one packed event, deflated here; small
 * ones, and the hidden-page notice the server reads, go as they are. Null: too large to send.
 */
async function pack(events: RecordedEvent[]): Promise<RecordedEvent[] | null> {
  if (events.some(isHiddenPageEvent)) return JSON.stringify(events).length > MAX_BATCH_BYTES ? null : events;
  // Serialized once, as packed: only a small batch, sent as it is, is serialized again (by the socket).
  const json = packedJson(events);
  if (json.length <= PACK_THRESHOLD_BYTES) return events;
  const packed = await packEvents(events, json);
  return packed && [packed];
}

const isHiddenPageEvent = (event: RecordedEvent) =>
  event.type === CUSTOM && (event.data as { tag?: unknown }).tag === MASKED_PAGE_EVENT_TAG;

/** Records the customer's page with rrweb (masking applied here, in the browser) and sends it in batches. */
export interface Recorder {
  /**
   * Starts recording under these masking rules (a full snapshot first); when already recording
   * under the same rules, takes a fresh full snapshot.
   */
  start(rules?: MaskingRules): void;
  /** Sends a fresh full snapshot, e.g. when an agent joins or resyncs. */
  snapshot(): void;
  /** Whether batches can be sent now; while offline they are buffered (bounded). */
  setOnline(online: boolean): void;
  /** Stops recording and forgets everything not yet sent. */
  stop(): void;
  /** Where an agent's pointer lands in this viewport (B6): on the same element when it is known. */
  locate(target: PointerTarget): [x: number, y: number];
  /** The masking in force, for checking agent actions (null when not recording). */
  masking(): Masking | null;
}

/** Creates the recorder; `send` delivers one batch and settles when the server has taken it. */
export function createRecorder(send: (batch: EventBatch) => Promise<unknown>): Recorder {
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
  let markMasked: (event: RecordedEvent) => void = () => {};
  let pageTimer: ReturnType<typeof setInterval> | undefined;
  /** What the agent was last given of this page: 'recorded', or why (and where) it is hidden. */
  let shownPage: string | undefined;

  // One batch in flight at a time keeps batches in order and lets them grow under load.
  const schedule = () => {
    if (online && !sending && !timer && buffer.length) timer = setTimeout(flush, lastSentAt + BATCH_INTERVAL_MS - Date.now());
  };
  const flush = () => {
    timer = undefined;
    checkPage();
    if (!online || sending || !buffer.length) return;
    const events = buffer.splice(0, MAX_EVENTS_PER_BATCH);
    offlineBytes = 0;
    sending = true;
    lastSentAt = Date.now();
    pack(events)
      .then((sendable) => {
        // The server would refuse a too-large batch, and every reconnect would send the same
        // snapshot again; skipping it keeps the session (pointer, exit) working.
        if (!sendable) return console.warn('Co-browse: this page is too large to share.');
        return send({ seq: ++seq, sentAt: Date.now(), events: sendable });
      })
      .catch(() => {
        // A rejected batch is not retried: the next full snapshot resyncs the agent.
      })
      .finally(() => {
        sending = false;
        schedule();
      });
  };

  const queue = (event: RecordedEvent) => {
    buffer.push(event);
    if (!online && (offlineBytes += JSON.stringify(event).length) > MAX_OFFLINE_BUFFER_BYTES) {
      buffer = [];
      offlineBytes = 0;
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
      queueMicrotask(snapshot);
    }
    markMasked(event);
    queue(event);
  };
  /** Instead of a hidden page, the agent gets its address (without query or hash) and the reason. */
  const sendHiddenPage = (reason: string) =>
    queue({
      type: CUSTOM,
      data: { tag: MASKED_PAGE_EVENT_TAG, payload: { href: location.origin + location.pathname, reason } },
      timestamp: Date.now(),
    });
  const snapshot = () => {
    if (!masking) return;
    const hiddenBecause = masking.pageHiddenBecause(location.href);
    if (hiddenBecause) return sendHiddenPage(hiddenBecause);
    try {
      record.takeFullSnapshot(true);
    } catch {
      // Not recording yet (the page is still loading): the first snapshot is on its way.
    }
  };
  const stopRecorder = () => {
    stopRecording?.();
    stopRecording = undefined;
  };
  const startRecorder = (active: Masking) => {
    lastHref = location.href;
    stopRecording =
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
  };
  /**
   * Records the page, or tells the agent it is hidden (R21). Run on every batch and URL change,
   * and on a timer for single-page apps that move on quietly: a page that became hidden drops
   * whatever was recorded since, as that may already show it.
   */
  const checkPage = () => {
    if (!masking) return;
    const hiddenBecause = masking.pageHiddenBecause(location.href);
    const now = hiddenBecause === null ? 'recorded' : `${hiddenBecause} ${location.pathname}`;
    if (now === shownPage) return;
    shownPage = now;
    stopRecorder();
    if (hiddenBecause === null) return startRecorder(masking);
    buffer = [];
    sendHiddenPage(hiddenBecause);
  };

  return {
    start(rules = NO_EXTRA_MASKING) {
      const key = JSON.stringify(rules);
      if (masking && key === rulesKey) return snapshot();
      stopRecorder();
      clearInterval(pageTimer);
      rulesKey = key;
      shownPage = undefined;
      masking = createMasking(rules);
      markMasked = createMaskMarker(masking, (id) => record.mirror.getNode(id));
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
    locate(target) {
      const node = target.nodeId === undefined ? null : record.mirror.getNode(target.nodeId);
      if (node instanceof Element) {
        const box = node.getBoundingClientRect();
        return [box.left + (target.rx ?? 0.5) * box.width, box.top + (target.ry ?? 0.5) * box.height];
      }
      return [target.x, target.y];
    },
  };
}
