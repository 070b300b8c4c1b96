/** The WebGL calls that draw into a canvas's buffer. */
const DRAW_CALLS = ['clear', 'drawArrays', 'drawElements', 'drawArraysInstanced', 'drawElementsInstanced', 'drawRangeElements'];

/**
 * Calls `drew` with a WebGL canvas whenever the page draws into it, contexts made before this ran
 * included (their prototypes are wrapped); returns how to unwrap them. A WebGL canvas is read in
 * the same task as it drew: once the browser shows the frame, a canvas made without
 * `preserveDrawingBuffer` reads as blank.
 */
export function watchWebglDraws(drew: (canvas: HTMLCanvasElement) => void): () => void {
  const unwrap: (() => void)[] = [];
  for (const context of [globalThis.WebGLRenderingContext, globalThis.WebGL2RenderingContext]) {
    const prototype = context?.prototype as unknown as Record<string, (...args: unknown[]) => unknown> | undefined;
    for (const name of DRAW_CALLS) {
      const original = prototype?.[name];
      if (!prototype || typeof original !== 'function') continue;
      const wrapped = function (this: WebGLRenderingContext, ...args: unknown[]) {
        const result = original.apply(this, args);
        if (this.canvas instanceof HTMLCanvasElement) drew(this.canvas);
        return result;
      };
      prototype[name] = wrapped;
      // Left alone if the page wrapped it again since: unwrapping would drop the page's wrapper.
      unwrap.push(() => prototype[name] === wrapped && (prototype[name] = original));
    }
  }
  return () => unwrap.forEach((restore) => restore());
}
