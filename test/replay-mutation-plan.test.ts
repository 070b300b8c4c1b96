import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLargeMutation, MAX_ADDS_PER_TASK, planMutation } from '../app/agent/mutation-chunks.ts';
import type { RecordedEvent } from '../protocol/messages.ts';

const STAGE_ID = 6;

interface Add {
  parentId: number;
  nextId: number | null;
  node: { type: number; id: number; tagName?: string; textContent?: string };
}

/** rrweb's mutation event of these adds, with one removal, text and attribute change. */
const mutation = (adds: Add[]): RecordedEvent => ({
  type: 3,
  timestamp: 1,
  data: {
    source: 0,
    adds,
    removes: [{ parentId: STAGE_ID, id: 7 }],
    texts: [{ id: 9, value: 'changed' }],
    attributes: [{ id: 10, attributes: { class: 'changed' } }],
  },
});

/** A list (id 100) under the stage with `rows` items, each with a text, in the recorder's order. */
function listAdds(rows: number, listTag = 'ul'): Add[] {
  const adds: Add[] = [{ parentId: STAGE_ID, nextId: null, node: { type: 2, id: 100, tagName: listTag } }];
  for (let i = rows - 1; i >= 0; i--) {
    adds.push({ parentId: 100, nextId: i === rows - 1 ? null : 1000 + i + 1, node: { type: 2, id: 1000 + i, tagName: 'li' } });
    adds.push({ parentId: 1000 + i, nextId: null, node: { type: 3, id: 20_000 + i, textContent: `Row ${i}` } });
  }
  return adds;
}

type Data = { adds: Add[]; removes: unknown[]; texts: unknown[]; attributes: unknown[] };
const dataOf = (event: RecordedEvent) => event.data as Data;

describe('planMutation: a large mutation in parts', () => {
  it('leaves a mutation within one task’s adds as it is', () => {
    const event = mutation(listAdds(100));
    assert.equal(isLargeMutation(event), false);
    assert.deepEqual(planMutation(event), { parts: [event], detached: [] });
  });

  it('adds the new subtree’s root first, with the removals, then the rest in parts, then the text and attribute changes', () => {
    const adds = listAdds(5000);
    const event = mutation(adds);
    assert.equal(isLargeMutation(event), true);
    const { parts, detached } = planMutation(event);
    assert.deepEqual(detached, [100]);
    const [first, ...rest] = parts.map(dataOf);
    const last = rest.pop()!;
    assert.deepEqual(
      first!.adds.map((add) => add.node.id),
      [100],
    );
    assert.equal(first!.removes.length, 1);
    assert.deepEqual([first!.texts, first!.attributes], [[], []]);
    assert.deepEqual([last.adds, last.removes, last.texts.length, last.attributes.length], [[], [], 1, 1]);
    assert.ok(rest.every((part) => part.adds.length <= MAX_ADDS_PER_TASK && !part.removes.length && !part.texts.length));
    // Every node once, in the recorder's order after the root.
    assert.deepEqual(
      rest.flatMap((part) => part.adds),
      adds.slice(1),
    );
  });

  it('builds in place, cut in order, when the new subtree holds an element that needs the document (a frame)', () => {
    const adds = listAdds(5000);
    adds.push({ parentId: 1000, nextId: null, node: { type: 2, id: 99_999, tagName: 'iframe' } });
    const { parts, detached } = planMutation(mutation(adds));
    assert.deepEqual(detached, []);
    assert.deepEqual(
      parts.flatMap((part) => dataOf(part).adds),
      adds,
    );
    assert.equal(dataOf(parts[0]!).removes.length, 1);
    assert.equal(dataOf(parts.at(-1)!).texts.length, 1);
  });

  it('builds in place when the new nodes go straight under nodes already on the page (thousands of roots)', () => {
    const adds: Add[] = Array.from({ length: 3 * MAX_ADDS_PER_TASK }, (_, i) => ({
      parentId: STAGE_ID,
      nextId: null,
      node: { type: 2, id: 1000 + i, tagName: 'p' },
    }));
    const { parts, detached } = planMutation(mutation(adds));
    assert.deepEqual(detached, []);
    assert.equal(parts.length, 3);
  });
});
