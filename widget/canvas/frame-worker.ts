/**
 * The canvas worker's code, run from a blob: URL as the socket's worker is (transport.ts). It
 * takes `[id, bitmap, maxBytes]` (the bitmap transferred) and answers `[id, type, base64]` when
 * the canvas changed since its last frame, else `[id]`; `[0]` forgets every canvas's last frame,
 * so each is sent again. Hashing, encoding and base64 all happen here, off the page's main thread.
 *
 * Self-contained: it is turned into source text with `toString()`.
 */
export function frameWorker(): void {
  const lastHashes = new Map<number, number>();
  const base64 = (bytes: Uint8Array) => {
    let text = '';
    for (let index = 0; index < bytes.length; index += 0x8000)
      text += String.fromCharCode.apply(null, bytes.subarray(index, index + 0x8000) as unknown as number[]);
    return btoa(text);
  };
  onmessage = async ({ data: [id, bitmap, maxBytes] }: MessageEvent<[number, ImageBitmap?, number?]>) => {
    if (!bitmap) return void lastHashes.clear();
    const { width, height } = bitmap;
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d')!;
    context.drawImage(bitmap, 0, 0);
    bitmap.close();
    const pixels = new Uint32Array(context.getImageData(0, 0, width, height).data.buffer);
    // FNV-1a over every pixel: a few ms for a large canvas, and no change is too small to see.
    let hash = Math.imul(2166136261 ^ width, 16777619) ^ height;
    let drawn = 0;
    for (let index = 0; index < pixels.length; index++) {
      hash = Math.imul(hash ^ pixels[index]!, 16777619);
      drawn |= pixels[index]!;
    }
    // Nothing drawn: a WebGL canvas read after the browser showed (and cleared) its frame looks
    // like this; the mirror keeps the last frame rather than flash blank.
    if (!drawn || lastHashes.get(id) === hash) return postMessage([id]);
    lastHashes.set(id, hash);
    // Lossy WebP first; smaller ones until it fits (WebP base64 is what travels).
    for (const [quality, scale] of [
      [0.8, 1],
      [0.5, 1],
      [0.5, 0.5],
      [0.4, 0.25],
    ] as const) {
      let source = canvas;
      if (scale < 1) {
        source = new OffscreenCanvas(Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale)));
        source.getContext('2d')!.drawImage(canvas, 0, 0, source.width, source.height);
      }
      const blob = await source.convertToBlob({ type: 'image/webp', quality });
      if (((blob.size + 2) / 3) * 4 > maxBytes!) continue;
      return postMessage([id, blob.type, base64(new Uint8Array(await blob.arrayBuffer()))]);
    }
    lastHashes.delete(id);
    postMessage([id]);
  };
}
