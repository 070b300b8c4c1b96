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

/**
 * The same frame's events as JSON, without building and serializing an object each time: the
 * template is serialized once with markers where the numbers go, then joined with each frame's
 * numbers. The load generator shares two cores with the server, and JSON.stringify of every frame
 * was a large part of its own CPU per batch.
 */
const MARK = '\u0000';
const templateParts = (() => {
  const json = JSON.stringify(realisticBatch(0, 0).events);
  // Every number that depends on seq or time, in the order they appear in the JSON.
  return json
    .replace(/"timestamp":\d+/g, `"timestamp":${MARK}t`)
    .replace(/"id":120,/, `"id":${MARK}text,`)
    .replace(/Balance updated 0: \$0.00/, `Balance updated ${MARK}s: $${MARK}amount`)
    .replace(/"class":"nw-card","aria-expanded":"true"/, `${MARK}attrs`)
    .replace(/"data-row":"0"/, `"data-row":"${MARK}s"`)
    .replace(/"id":10000}/, `"id":${MARK}li}`)
    .replace(/"parentId":10000,/, `"parentId":${MARK}li,`)
    .replace(/"id":20000}/, `"id":${MARK}text2}`)
    .replace(/"y":480}/, `"y":${MARK}y}`)
    .split(MARK);
})();

/** realisticBatch's events as JSON (the same text JSON.stringify gives), from the template. */
export function realisticEventsJson(seq: number, at = Date.now()): string {
  const values: Record<string, string> = {
    t: String(at),
    text: String(120 + (seq % 50)),
    s: String(seq),
    amount: (seq * 13.37).toFixed(2),
    attrs: seq % 2 ? '"class":"nw-card nw-card--active","aria-expanded":"false"' : '"class":"nw-card","aria-expanded":"true"',
    li: String(10_000 + seq),
    text2: String(20_000 + seq),
    y: String(480 + (seq % 40)),
  };
  let json = templateParts[0]!;
  for (let i = 1; i < templateParts.length; i++) {
    const part = templateParts[i]!;
    const key = /^[a-z0-9]+/i.exec(part)![0];
    json += values[key] + part.slice(key.length);
  }
  return json;
}
