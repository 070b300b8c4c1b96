import type { Page } from 'playwright-core';

/**
 * How many pixels of two same-sized PNG screenshots differ by more than `tolerance` in a colour
 * channel (0–255). Chromium decodes them (in `scratch`, a blank page): no image library needed.
 */
export async function differentPixels(
  scratch: Page,
  a: Buffer,
  b: Buffer,
  tolerance = 48,
): Promise<{ different: number; total: number; sameSize: boolean }> {
  return scratch.evaluate(
    async ([first, second, limit]) => {
      // No named functions in here: the test runner's transpiler would wrap them in a helper the page lacks.
      const [one, two] = (await Promise.all(
        [first, second].map(async (base64) => {
          const bitmap = await createImageBitmap(await (await fetch(`data:image/png;base64,${base64}`)).blob());
          const context = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d')!;
          context.drawImage(bitmap, 0, 0);
          return context.getImageData(0, 0, bitmap.width, bitmap.height);
        }),
      )) as [ImageData, ImageData];
      const sameSize = one.width === two.width && one.height === two.height;
      let different = 0;
      if (sameSize)
        for (let index = 0; index < one.data.length; index += 4)
          for (let channel = 0; channel < 3; channel++)
            if (Math.abs(one.data[index + channel]! - two.data[index + channel]!) > limit) {
              different++;
              break;
            }
      return { different, total: one.width * one.height, sameSize };
    },
    [a.toString('base64'), b.toString('base64'), tolerance] as const,
  );
}

/** Two PNG screenshots side by side (the first on the left) with a gap between, as one PNG, to look at. */
export async function sideBySide(scratch: Page, left: Buffer, right: Buffer, gap = 16): Promise<Buffer> {
  const base64 = await scratch.evaluate(
    async ([first, second, space]) => {
      const [one, two] = await Promise.all(
        [first, second].map(async (png) => createImageBitmap(await (await fetch(`data:image/png;base64,${png}`)).blob())),
      );
      const canvas = new OffscreenCanvas(one!.width + space + two!.width, Math.max(one!.height, two!.height));
      const context = canvas.getContext('2d')!;
      context.fillStyle = '#ef4444';
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(one!, 0, 0);
      context.drawImage(two!, one!.width + space, 0);
      const bytes = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer());
      let binary = '';
      for (let index = 0; index < bytes.length; index += 0x8000) binary += String.fromCharCode(...bytes.subarray(index, index + 0x8000));
      return btoa(binary);
    },
    [left.toString('base64'), right.toString('base64'), gap] as const,
  );
  return Buffer.from(base64, 'base64');
}
