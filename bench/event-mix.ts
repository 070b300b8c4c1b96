import type { EventBatch } from '../protocol/index.ts';

/**
 * One batch as a busy customer page sends it every frame: pointer positions, a text mutation,
 * an attribute change and a scroll; about 1 KB of JSON.
 */
export function realisticBatch(seq: number, sentAt: number): EventBatch {
  const t = Date.now();
  return {
    seq,
    sentAt,
    events: [
      {
        type: 3,
        timestamp: t,
        data: { source: 1, positions: [0, 1, 2, 3].map((i) => ({ x: 300 + i * 3, y: 200 + i * 2, id: 42 + i, timeOffset: -i * 8 })) },
      },
      {
        type: 3,
        timestamp: t,
        data: {
          source: 0,
          texts: [{ id: 120 + (seq % 50), value: `Balance updated ${seq}: $${(seq * 13.37).toFixed(2)}` }],
          attributes: [
            { id: 88, attributes: { class: seq % 2 ? 'nw-card nw-card--active' : 'nw-card', 'aria-expanded': String(seq % 2 === 0) } },
          ],
          removes: [],
          adds: [
            {
              parentId: 200,
              nextId: null,
              node: {
                type: 2,
                tagName: 'li',
                attributes: { class: 'nw-feed-item', 'data-row': String(seq) },
                childNodes: [],
                id: 10_000 + seq,
              },
            },
            {
              parentId: 10_000 + seq,
              nextId: null,
              node: { type: 3, textContent: 'New transaction: Coffee shop — $4.50 — pending review', id: 20_000 + seq },
            },
          ],
        },
      },
      { type: 3, timestamp: t, data: { source: 3, id: 1, x: 0, y: 480 + (seq % 40) } },
    ],
  };
}
