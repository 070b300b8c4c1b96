import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_UNPACKED_BYTES, type RecordedEvent } from '../protocol/index.ts';
import { packedJson, packEvents, unpackEvents } from '../protocol/packed-events.ts';

interface Node {
  type: number;
  id: number;
  tagName?: string;
  attributes?: Record<string, string>;
  textContent?: string;
  childNodes?: Node[];
}

/** A full snapshot as rrweb numbers it: ids counting up in document order from `firstId`. */
function snapshot(rows: number, firstId = 1): RecordedEvent[] {
  let id = firstId;
  const element = (tagName: string, attributes: Record<string, string>, children: () => Node[]): Node => {
    const node: Node = { type: 2, tagName, attributes, childNodes: [], id: id++ };
    node.childNodes = children();
    return node;
  };
  const text = (textContent: string): Node => ({ type: 3, textContent, id: id++ });
  const document: Node = { type: 0, childNodes: [], id: id++ };
  document.childNodes = [
    { type: 1, id: id++ },
    element('html', {}, () => [
      element('head', {}, () => []),
      element('body', { id: 'main' }, () =>
        Array.from({ length: rows }, (_, i) => element('p', { class: 'row', id: `row-${i}` }, () => [text(`Row ${i}`)])),
      ),
    ]),
  ];
  return [
    { type: 4, data: { href: 'https://shop.example/', width: 1280, height: 800 }, timestamp: 1000 },
    { type: 2, data: { node: document, initialOffset: { top: 0, left: 0 } }, timestamp: 1000 },
  ];
}

const packedWith = async (json: string) => (await packEvents(JSON.parse(json) as RecordedEvent[], json))!.data.payload;

/** A snapshot's JSON as packed, with `edit` applied to its document node first. */
const tampered = (edit: (document: Record<string, unknown>) => void) => {
  const events = JSON.parse(packedJson(snapshot(3))) as { data: { node: Record<string, unknown> } }[];
  edit(events[1]!.data.node);
  return JSON.stringify(events);
};

describe('packed snapshots without counting ids', () => {
  it('leaves out the ids that count up, and unpacking gives every node its id back', async () => {
    const events = snapshot(2000, 57);
    const json = packedJson(events);
    assert.equal(json.match(/"id":\d/g)?.length, 1, 'only the document node’s id travels');
    const packed = await packedWith(json);
    assert.deepEqual(await unpackEvents(packed), events);
    const withIds = (await packEvents(events, JSON.stringify(events)))!.data.payload;
    assert.ok(packed.data.length < withIds.data.length * 0.7, `${packed.data.length} vs ${withIds.data.length} base64 characters`);
  });

  it('keeps the ids that break the count, and leaves the recorder’s own events untouched', async () => {
    const events = snapshot(3);
    const body = (events[1]!.data as { node: Node }).node.childNodes![1]!.childNodes![1]!;
    // rrweb reused ids: the count starts again from there.
    [body.childNodes![1]!.id, body.childNodes![1]!.childNodes![0]!.id] = [500, 501];
    [body.childNodes![2]!.id, body.childNodes![2]!.childNodes![0]!.id] = [90, 91];
    const before = JSON.stringify(events);
    const json = packedJson(events);
    assert.equal(JSON.stringify(events), before, 'the ids hidden while packing are back');
    assert.equal(json.match(/"id":\d/g)?.length, 3);
    assert.deepEqual(await unpackEvents(await packedWith(json)), events);
    // Packing what was packed changes nothing (nodes without an id keep counting).
    assert.equal(packedJson(JSON.parse(json) as RecordedEvent[]), json);
  });

  it('refuses a tree whose ids are repeated or not positive integers, or whose nodes are not nodes', async () => {
    const refused: [string, string, RegExp][] = [
      ['a repeated id', tampered((node) => ((node.childNodes as Node[])[1]!.id = 1)), /repeated node id \(1\)/],
      [
        'a count that runs into an id',
        tampered((node) => {
          node.id = 10;
          (node.childNodes as Node[])[0]!.id = 3;
        }),
        /repeated node id \(10\)/,
      ],
      ['a zero id', tampered((node) => (node.id = 0)), /bad or repeated node id \(0\)/],
      ['a fractional id', tampered((node) => (node.id = 1.5)), /bad or repeated node id/],
      ['a text id', tampered((node) => (node.id = '7')), /bad or repeated node id/],
      ['a node that is a string', tampered((node) => (node.childNodes = ['<script>'])), /not one/],
      ['a node without a type', tampered((node) => delete node.type), /not one/],
      ['child nodes that are not a list', tampered((node) => (node.childNodes = { 0: {} })), /not a list/],
      ['a snapshot without a tree', tampered((node) => Object.keys(node).forEach((key) => delete node[key])), /not one/],
      ['an event that is not one', JSON.stringify([1, 2]), /not an event/],
    ];
    for (const [what, json, error] of refused) await assert.rejects(unpackEvents(await packedWith(json)), error, what);
    // A tree deeper than any call stack is walked, not recursed into.
    let deep = '{"type":3,"textContent":"x"}';
    for (let i = 0; i < 100_000; i++) deep = `{"type":2,"tagName":"div","attributes":{},"childNodes":[${deep}]}`;
    const json = `[{"type":2,"data":{"node":{"type":0,"id":1,"childNodes":[${deep}]},"initialOffset":{"top":0,"left":0}},"timestamp":1}]`;
    const [event] = await unpackEvents(await packedWith(json));
    let node = (event!.data as { node: Node }).node;
    for (let i = 0; i < 50_000; i++) node = node.childNodes![0]!;
    assert.equal(node.id, 50_001);
  });

  it('declares the compacted JSON’s size and still never inflates past it or past the cap', async () => {
    const events = snapshot(500);
    const json = packedJson(events);
    const packed = await packedWith(json);
    assert.equal(packed.size, Buffer.byteLength(json));
    await assert.rejects(unpackEvents({ ...packed, size: packed.size - 1 }), /inflate beyond their declared/);
    await assert.rejects(unpackEvents(packed, packed.size - 1), /over the \d+-byte limit/);
    await assert.rejects(unpackEvents({ ...packed, size: MAX_UNPACKED_BYTES + 1 }), /over the \d+-byte limit/);
  });
});
