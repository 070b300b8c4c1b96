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
