import { CANVAS_FRAME_EVENT_TAG, type CanvasFrame, type RecordedEvent } from '../../protocol/messages.ts';
import { frameWorker } from './frame-worker.ts';
import { watchWebglDraws } from './webgl-draws.ts';

/**
 * How often a canvas is read at most: a chart animating at 60 fps reaches the agent at up to
 * 6 frames a second, which reads as motion, for a fraction of the bytes.
 */
export const CANVAS_FRAME_INTERVAL_MS = 150;

/**
 * The canvas frames' share of a session's upload, in base64 characters per second, averaged
 * over a second: a busy chart is held to it by waiting, not by growing a queue.
 */
export const CANVAS_BYTES_PER_SECOND = 110 * 1024;

/** The largest single frame; a larger one is encoded smaller (lower quality, then scaled down). */
export const MAX_CANVAS_FRAME_BYTES = 96 * 1024;

const CUSTOM = 5;

let workerUrl: string | undefined;

/** What the recorder tells the canvas mirror. */
export interface CanvasMirrorOptions {
  /** rrweb's id of the canvas; below 1 when rrweb did not record it (inside a masked element). */
  idOf: (canvas: HTMLCanvasElement) => number;
  /** Whether the canvas is masked: then not one of its pixels is read. */
  masked: (canvas: HTMLCanvasElement) => boolean;
  /** Hands a frame's event to the recorder's stream. */
  send: (event: RecordedEvent) => void;
}

export interface CanvasMirror {
  /** Sends every canvas again (a new snapshot carries none of their pixels). */
  resend(): void;
  stop(): void;
}

/**
 * Mirrors the page's canvases while they change. The page's thread only copies a canvas to an
 * ImageBitmap and hands it to a worker, which tells whether its pixels changed and encodes it; an
 * unchanged canvas sends nothing. A 2D canvas is read on a timer (in an animation frame), a WebGL
 * one as the page draws into it. Null where the page's policy allows no worker:
 * encoding on the page's thread would stall it, so canvases are not mirrored there.
 */
export function mirrorCanvases({ idOf, masked, send }: CanvasMirrorOptions): CanvasMirror | null {
  let worker: Worker;
  try {
    worker = new Worker((workerUrl ??= URL.createObjectURL(new Blob([`(${frameWorker.toString()})()`], { type: 'text/javascript' }))));
  } catch {
    return null;
  }
  const canvases = document.getElementsByTagName('canvas');
  /** Canvases being read or encoded, by rrweb id: one frame of each at a time. */
  const busy = new Map<number, HTMLCanvasElement>();
  const readAt = new WeakMap<HTMLCanvasElement, number>();
  const webgl = new WeakSet<HTMLCanvasElement>();
  /** A WebGL canvas's last frame: it may never draw again, and reads blank, when a new snapshot asks for it. */
  const lastFrames = new Map<HTMLCanvasElement, Omit<CanvasFrame, 'id'>>();
  const drawnThisTask = new Set<HTMLCanvasElement>();
  /** The last copy of each WebGL canvas drawn since its last frame, waiting until it is due. */
  const drawnFrames = new Map<HTMLCanvasElement, ImageBitmap>();
  let allowance = CANVAS_BYTES_PER_SECOND;
  let allowanceAt = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let frame = 0;
  let stopped = false;

  const frameEvent = (payload: CanvasFrame): RecordedEvent => ({
    type: CUSTOM,
    data: { tag: CANVAS_FRAME_EVENT_TAG, payload },
    timestamp: Date.now(),
  });
  /** rrweb's id of a canvas that may be read now: recorded, unmasked, drawn on, in the page; else 0. */
  const readable = (canvas: HTMLCanvasElement) => {
    const id = idOf(canvas);
    return id > 0 && canvas.width && canvas.height && canvas.isConnected && !masked(canvas) ? id : 0;
  };
  /** Whether the canvas may send a frame now: its last one is done and long enough ago, and the byte rate allows. */
  const due = (canvas: HTMLCanvasElement, id: number, now: number) => {
    allowance = Math.min(CANVAS_BYTES_PER_SECOND, allowance + ((now - allowanceAt) * CANVAS_BYTES_PER_SECOND) / 1000);
    allowanceAt = now;
    return allowance > 0 && !busy.has(id) && now - (readAt.get(canvas) ?? -Infinity) >= CANVAS_FRAME_INTERVAL_MS;
  };
  const post = (canvas: HTMLCanvasElement, id: number, bitmap: ImageBitmap, now: number) => {
    busy.set(id, canvas);
    readAt.set(canvas, now);
    worker.postMessage([id, bitmap, MAX_CANVAS_FRAME_BYTES], [bitmap]);
  };
  const look = () => {
    const now = performance.now();
    for (const [canvas, bitmap] of drawnFrames)
      if (!canvas.isConnected) {
        drawnFrames.delete(canvas);
        bitmap.close();
      }
    for (const canvas of Array.from(canvases)) {
      const id = readable(canvas);
      const drawn = drawnFrames.get(canvas);
      if (!id || !due(canvas, id, now)) continue;
      if (drawn) {
        drawnFrames.delete(canvas);
        post(canvas, id, drawn, now);
      } else if (!webgl.has(canvas)) {
        busy.set(id, canvas); // while the copy is made
        createImageBitmap(canvas).then(
          (bitmap) => (stopped ? bitmap.close() : post(canvas, id, bitmap, now)),
          () => busy.delete(id), // e.g. a canvas with no context yet
        );
      }
    }
    timer = setTimeout(() => (frame = requestAnimationFrame(look)), CANVAS_FRAME_INTERVAL_MS);
  };
  /**
   * Copies each WebGL canvas drawn in this task once the page's code is done drawing, before the
   * browser shows it; the copy waits until the canvas is due, replaced by any later one, so the
   * frame an animation ends on is the one the agent keeps.
   */
  const copyDrawn = () => {
    for (const canvas of drawnThisTask) {
      if (!readable(canvas)) continue;
      createImageBitmap(canvas).then(
        (bitmap) => {
          drawnFrames.get(canvas)?.close();
          if (stopped) return bitmap.close();
          const id = readable(canvas);
          const now = performance.now();
          if (id && due(canvas, id, now)) post(canvas, id, bitmap, now);
          else drawnFrames.set(canvas, bitmap);
        },
        () => {},
      );
    }
    drawnThisTask.clear();
  };
  const unwatchWebgl = watchWebglDraws((canvas) => {
    webgl.add(canvas);
    if (drawnThisTask.size === 0) queueMicrotask(copyDrawn);
    drawnThisTask.add(canvas);
  });
  worker.onmessage = ({ data: [id, type, data] }: MessageEvent<[number, string?, string?]>) => {
    const canvas = busy.get(id);
    busy.delete(id);
    if (stopped || !type || !data) return;
    allowance -= data.length;
    if (canvas && webgl.has(canvas)) lastFrames.set(canvas, { type, data });
    send(frameEvent({ id, type, data }));
  };
  frame = requestAnimationFrame(look);

  return {
    resend() {
      worker.postMessage([0]);
      // After the snapshot that asked, which is being queued now.
      setTimeout(() => {
        for (const [canvas, last] of lastFrames) {
          const id = idOf(canvas);
          if (!canvas.isConnected) lastFrames.delete(canvas);
          else if (id > 0 && !masked(canvas)) send(frameEvent({ id, ...last }));
        }
      });
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      cancelAnimationFrame(frame);
      unwatchWebgl();
      drawnFrames.forEach((bitmap) => bitmap.close());
      worker.terminate();
    },
  };
}
