import type { RecordedEvent } from '../../protocol/index.ts';

/** An element as rrweb serializes it. */
export const recordedElement = (id: number, tagName: string, attributes: Record<string, string> = {}, childNodes: unknown[] = []) => ({
  type: 2,
  id,
  tagName,
  attributes,
  childNodes,
});

/** Meta and a full snapshot, as rrweb records a page: a doctype (id 2), `<html>` (3), `<head>` (4) and the given body. */
export function recordedPage(href: string, body: ReturnType<typeof recordedElement>): RecordedEvent[] {
  const now = Date.now();
  return [
    { type: 4, data: { href, width: 1280, height: 800 }, timestamp: now },
    {
      type: 2,
      data: {
        node: {
          type: 0,
          id: 1,
          childNodes: [
            { type: 1, id: 2, name: 'html', publicId: '', systemId: '' },
            recordedElement(3, 'html', {}, [recordedElement(4, 'head'), body]),
          ],
        },
        initialOffset: { top: 0, left: 0 },
      },
      timestamp: now,
    },
  ];
}
