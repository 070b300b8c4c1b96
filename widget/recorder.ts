import { record } from 'rrweb';
import { BATCH_INTERVAL_MS, MAX_BATCH_BYTES, MAX_EVENTS_PER_BATCH } from '../protocol/limits.ts';
import type { EventBatch, PointerTarget, RecordedEvent } from '../protocol/messages.ts';
import { maskingOptions } from './masking.ts';
import { WIDGET_ROOT_ID } from './ui/root.ts';

/**
 * Events kept while the socket is down. Past this the buffer is dropped: the agent resyncs from
 * the full snapshot taken on reconnect, so only the page's history in between is lost.
 */
export const MAX_OFFLINE_BUFFER_BYTES = 2 * 1024 * 1024;

/** rrweb's event type of a full snapshot (EventType.FullSnapshot). */
const FULL_SNAPSHOT = 2;

/** Records the customer's page with rrweb (masking applied here, in the browser) and sends it in batches. */
export interface Recorder {
  /** Starts recording (a full snapshot first); when already recording, takes a fresh full snapshot. */
  start(): void;
  /** Sends a fresh full snapshot, e.g. when an agent joins or resyncs. */
  snapshot(): void;
  /** Whether batches can be sent now; while offline they are buffered (bounded). */
  setOnline(online: boolean): void;
  /** Stops recording and forgets everything not yet sent. */
  stop(): void;
  /** Where an agent's pointer lands in this viewport (B6): on the same element when it is known. */
  locate(target: PointerTarget): [x: number, y: number];
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

  // One batch in flight at a time keeps batches in order and lets them grow under load.
  const schedule = () => {
    if (online && !sending && !timer && buffer.length) timer = setTimeout(flush, lastSentAt + BATCH_INTERVAL_MS - Date.now());
  };
  const flush = () => {
    timer = undefined;
    if (!online || sending || !buffer.length) return;
    const events = buffer.splice(0, MAX_EVENTS_PER_BATCH);
    offlineBytes = 0;
    // The server would close the socket over a too-large frame, and every reconnect would send the
    // same snapshot again; skipping it keeps the session (pointer, exit) working.
    if (events.some((event) => event.type === FULL_SNAPSHOT) && JSON.stringify(events).length > MAX_BATCH_BYTES) {
      console.warn('Co-browse: this page is too large to share.');
      return schedule();
    }
    sending = true;
    lastSentAt = Date.now();
    send({ seq: ++seq, sentAt: lastSentAt, events })
      .catch(() => {
        // A rejected batch is not retried: the next full snapshot resyncs the agent.
      })
      .finally(() => {
        sending = false;
        schedule();
      });
  };
  const emit = (event: RecordedEvent) => {
    buffer.push(event);
    // A single-page app changed its URL without a page load: a fresh snapshot carries the new
    // address (rrweb's Meta event) and rebuilds the agent's view on a clean base.
    if (location.href !== lastHref) {
      lastHref = location.href;
      queueMicrotask(snapshot);
    }
    if (!online && (offlineBytes += JSON.stringify(event).length) > MAX_OFFLINE_BUFFER_BYTES) {
      buffer = [];
      offlineBytes = 0;
    }
    schedule();
  };
  const snapshot = () => {
    try {
      record.takeFullSnapshot(true);
    } catch {
      // Not recording yet (the page is still loading): the first snapshot is on its way.
    }
  };

  return {
    start() {
      if (stopRecording) return snapshot();
      stopRecording =
        record<RecordedEvent>({
          emit,
          ...maskingOptions(),
          blockSelector: '#' + WIDGET_ROOT_ID,
          // Every move is kept (rrweb's throttle drops the one where the pointer stops), and the
          // positions go out once per frame rather than rrweb's default 500 ms.
          sampling: { mousemove: 0, mousemoveCallback: BATCH_INTERVAL_MS, scroll: 50 },
          inlineStylesheet: true,
          recordCanvas: false,
          collectFonts: false,
        }) ?? (() => {});
    },
    snapshot,
    setOnline(value) {
      online = value;
      schedule();
    },
    stop() {
      stopRecording?.();
      stopRecording = undefined;
      clearTimeout(timer);
      timer = undefined;
      buffer = [];
      online = false;
    },
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
