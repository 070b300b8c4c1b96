import { MAX_FRAME_MESSAGE_BYTES, MAX_FRAME_MESSAGES_PER_SECOND } from '../../protocol/limits.ts';
import { FRAME_EVENTS_TAG, type FrameEvents, type FrameMessage } from '../../protocol/messages.ts';
import type { Recorder } from '../recorder.ts';

/** The origins the site trusts as frames (the session's rules), and the recorder while it records. */
let trusted: readonly string[] = [];
let recording: Recorder | null = null;
let installed = false;
/** Messages taken from each frame's window in the current second. */
const taken = new WeakMap<object, { second: number; count: number }>();

const originOf = (frame: HTMLIFrameElement) => {
  try {
    return new URL(frame.src, location.href).origin;
  } catch {
    return '';
  }
};

const frames = () => Array.from(document.getElementsByTagName('iframe'));

/**
 * Tells a frame to record or stop, addressed to the trusted origin its address names: a frame
 * that has since navigated to any other site does not get the message.
 */
function tell(frame: HTMLIFrameElement, type: 'cobrowse-frame-record' | 'cobrowse-frame-stop'): void {
  const origin = originOf(frame);
  if (trusted.includes(origin)) frame.contentWindow?.postMessage({ type } satisfies FrameMessage, origin);
}

/** Whether one more message from this frame fits in its rate. */
function withinRate(source: object): boolean {
  const second = Math.floor(Date.now() / 1000);
  const count = taken.get(source);
  if (!count || count.second !== second) return (taken.set(source, { second, count: 1 }), true);
  return ++count.count <= MAX_FRAME_MESSAGES_PER_SECOND;
}

/**
 * Takes a frame's batch into this page's stream, as one custom event naming the iframe: only from
 * the window of an iframe in this page whose origin the site trusts, while recording, bounded in
 * size and rate; an iframe the page's own masking hides stays hidden, whatever its page sends.
 */
function onMessage(event: MessageEvent<Partial<FrameMessage> | null>): void {
  if (!recording || !event.source || !trusted.includes(event.origin)) return;
  const frame = frames().find((candidate) => candidate.contentWindow === event.source);
  const type = event.data?.type;
  if (!frame || recording.masking()?.isMasked(frame) !== false) return;
  if (type === 'cobrowse-frame-ready') return tell(frame, 'cobrowse-frame-record');
  if (type !== 'cobrowse-frame-events' || !withinRate(event.source)) return;
  const events = (event.data as { batch?: { events?: unknown } }).batch?.events;
  const id = recording.id(frame);
  if (!Array.isArray(events) || id < 1 || JSON.stringify(events).length > MAX_FRAME_MESSAGE_BYTES) return;
  recording.custom(FRAME_EVENTS_TAG, { frame: id, events } satisfies FrameEvents);
}

/**
 * The chunk /widget-frames.js, loaded when the site trusts frames of other sites and an agent is
 * watching: asks each trusted frame to record itself (again after every snapshot of this page,
 * which rebuilds the agent's view of the iframe empty), merges what they send into this page's
 * stream, and tells them to stop when this page stops recording. A frame that loads later asks
 * by itself (`cobrowse-frame-ready`).
 */
export function mirrorFrames(recorder: Recorder, origins: readonly string[]): void {
  trusted = origins;
  // Called again for every snapshot an agent asks for, which the snapshot hook below has answered.
  const again = recording === recorder;
  recording = recorder;
  if (!installed) {
    installed = true;
    addEventListener('message', onMessage);
    // The core recorder has one hook for its snapshots (shared with the pointer states) and none
    // for its stop; both are chained here, so the core carries no code for frames.
    const { stop } = recorder;
    recorder.stop = () => {
      stop();
      recording = null;
      frames().forEach((frame) => tell(frame, 'cobrowse-frame-stop'));
    };
    const snapshotted = recorder.snapshotted;
    recorder.snapshotted = () => {
      snapshotted?.();
      if (recording) frames().forEach((frame) => tell(frame, 'cobrowse-frame-record'));
    };
  }
  if (!again) frames().forEach((frame) => tell(frame, 'cobrowse-frame-record'));
}
