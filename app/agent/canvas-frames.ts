import type { ReplayPlugin } from 'rrweb';
import { CANVAS_FRAME_EVENT_TAG, type CanvasFrame, type RecordedEvent } from '../../protocol/messages';

const CUSTOM_EVENT = 5;
const STYLE_ID = 'cobrowse-canvas-frames';
const FRAME_ATTRIBUTE = 'data-cobrowse-canvas';

/** The canvas frame an event carries, if it is one. */
export function canvasFrame(event: RecordedEvent): CanvasFrame | null {
  if (event.type !== CUSTOM_EVENT) return null;
  const data = event.data as { tag?: unknown; payload?: Partial<CanvasFrame> };
  const frame = data.tag === CANVAS_FRAME_EVENT_TAG ? data.payload : undefined;
  if (!Number.isSafeInteger(frame?.id) || typeof frame?.data !== 'string' || !/^image\/(webp|jpeg|png)$/.test(String(frame.type)))
    return null;
  return frame as CanvasFrame;
}

/** Each replay document's frame styles, and the image address each canvas shows now. */
const shown = new WeakMap<Document, { sheet: CSSStyleSheet; urls: Map<number, string> }>();

function framesOf(document: Document) {
  let frames = shown.get(document);
  if (!frames?.sheet.ownerNode?.isConnected) {
    document.getElementById(STYLE_ID)?.remove();
    const style = document.createElement('style');
    style.id = STYLE_ID;
    (document.head ?? document.documentElement).append(style);
    // Without scripts a canvas is not drawn: it lays out as an empty inline box. As the page's
    // canvas, it takes its width and height attributes for its size unless the page's CSS sizes it.
    style.sheet!.insertRule(`:where(canvas) { display: inline-block; }`);
    frames = { sheet: style.sheet!, urls: frames?.urls ?? new Map() };
    shown.set(document, frames);
  }
  return frames;
}

/** The latest frame asked for per canvas: decoding takes a while, and an older one must not land last. */
const latest = new WeakMap<HTMLCanvasElement, number>();
let frames = 0;

/**
 * Sizes the mirrored canvas as the customer's is, by its `width` and `height` attributes unless the
 * page's CSS sizes it (zero specificity), and makes the image at `url`, if any, its background in
 * place of the one it showed.
 */
function show(document: Document, canvas: HTMLCanvasElement, id: number, url?: string): void {
  const { sheet, urls } = framesOf(document);
  const previous = urls.get(id);
  if (url) urls.set(id, url);
  canvas.setAttribute(FRAME_ATTRIBUTE, String(id));
  const selector = `canvas[${FRAME_ATTRIBUTE}="${id}"]`;
  for (let index = sheet.cssRules.length - 1; index >= 0; index--)
    if (sheet.cssRules[index]!.cssText.includes(`${FRAME_ATTRIBUTE}="${id}"]`)) sheet.deleteRule(index);
  sheet.insertRule(`:where(${selector}) { width: ${canvas.width}px; height: ${canvas.height}px; }`, sheet.cssRules.length);
  const image = url ?? previous;
  if (image) sheet.insertRule(`${selector} { background: url("${image}") 0 0 / 100% 100% no-repeat !important; }`, sheet.cssRules.length);
  if (url && previous) URL.revokeObjectURL(previous);
}

/**
 * Shows each canvas frame the customer's widget sent on the mirrored canvas. The replay's frame
 * runs no scripts (sandbox), and there a canvas shows none of what is drawn on it: the frame is
 * its background image instead, stretched to its box. The image is a blob of the frame's bytes,
 * which the view's policy allows (`img-src blob:`), never an address the customer chose.
 */
export const canvasFrames: ReplayPlugin = {
  // Sized as it is built, so the page lays out as the customer's before any frame arrives: once
  // the build is done, as rrweb builds a snapshot's tree before it puts it in the document.
  onBuild(node, { id }) {
    const canvas = node as HTMLCanvasElement;
    if (canvas.nodeName === 'CANVAS') queueMicrotask(() => canvas.isConnected && show(canvas.ownerDocument, canvas, id));
  },
  handler(event, _isSync, { replayer }) {
    const frame = canvasFrame(event as RecordedEvent);
    if (!frame) return;
    const canvas = replayer.getMirror().getNode(frame.id) as HTMLCanvasElement | null;
    // A canvas of the replay's own document: not an instance of this window's HTMLCanvasElement.
    if (canvas?.nodeName !== 'CANVAS' || !canvas.ownerDocument) return;
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = Uint8Array.from(atob(frame.data), (char) => char.charCodeAt(0));
    } catch {
      return; // not base64: nothing to show
    }
    const document = canvas.ownerDocument;
    const url = URL.createObjectURL(new Blob([bytes], { type: frame.type }));
    const mine = ++frames;
    latest.set(canvas, mine);
    // Decoded before it is shown: swapping in an image still loading would flash the canvas empty.
    const image = new Image();
    image.src = url;
    image.decode().then(
      () => {
        if (latest.get(canvas) !== mine || !canvas.isConnected) return URL.revokeObjectURL(url);
        show(document, canvas, frame.id, url);
      },
      () => URL.revokeObjectURL(url), // not an image this browser decodes: the canvas keeps its last frame
    );
  },
};
