import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FATAL_CLOSE_CODES } from '../protocol/close-codes.ts';
import { CONNECTING, socketTransition, type SocketEvent, type SocketState } from '../widget/socket-machine.ts';

const STATES: Record<string, SocketState> = {
  connecting: CONNECTING,
  'connecting again': { name: 'connecting', failures: 2 },
  open: { name: 'open' },
  reconnecting: { name: 'reconnecting', failures: 1 },
  closed: { name: 'closed' },
};

const EVENTS: Record<string, SocketEvent> = {
  acknowledged: { type: 'acknowledged' },
  'closed (network)': { type: 'closed', code: 1006 },
  'closed (fatal)': { type: 'closed', code: FATAL_CLOSE_CODES[0]! },
  retry: { type: 'retry' },
  dispose: { type: 'dispose' },
};

/** Which events each state takes; every other pair must leave the state as it is. */
const TAKEN: Record<string, string[]> = {
  connecting: ['acknowledged', 'closed (network)', 'closed (fatal)', 'dispose'],
  'connecting again': ['acknowledged', 'closed (network)', 'closed (fatal)', 'dispose'],
  open: ['closed (network)', 'closed (fatal)', 'dispose'],
  reconnecting: ['retry', 'dispose'],
  closed: [],
};

describe("the widget socket's connection machine", () => {
  it('takes exactly the events of its table in every state, and refuses the rest by returning the same state', () => {
    for (const [stateName, state] of Object.entries(STATES))
      for (const [eventName, event] of Object.entries(EVENTS)) {
        const taken = TAKEN[stateName]!.includes(eventName);
        assert.equal(socketTransition(state, event) !== state, taken, `${stateName} + ${eventName}: ${taken ? 'taken' : 'refused'}`);
      }
  });

  it('opens on the acknowledgement, and counts failed attempts in a row for the backoff until one is acknowledged', () => {
    assert.deepEqual(CONNECTING, { name: 'connecting', failures: 0 });
    const open = socketTransition(CONNECTING, { type: 'acknowledged' });
    assert.deepEqual(open, { name: 'open' });
    // A drop of an open socket waits the first backoff step...
    let state = socketTransition(open, { type: 'closed', code: 1006 });
    assert.deepEqual(state, { name: 'reconnecting', failures: 0 });
    // ...and every attempt that closes again waits one step longer.
    for (const failures of [1, 2, 3]) {
      state = socketTransition(state, { type: 'retry' });
      assert.deepEqual(state, { name: 'connecting', failures });
      state = socketTransition(state, { type: 'closed', code: 1006 });
      assert.deepEqual(state, { name: 'reconnecting', failures });
    }
    state = socketTransition(socketTransition(state, { type: 'retry' }), { type: 'acknowledged' });
    assert.deepEqual(socketTransition(state, { type: 'closed', code: 1001 }), { name: 'reconnecting', failures: 0 });
  });

  it('closes for good on every fatal close code, from connecting or open', () => {
    for (const code of FATAL_CLOSE_CODES)
      for (const from of [CONNECTING, STATES.open!]) assert.deepEqual(socketTransition(from, { type: 'closed', code }), { name: 'closed' });
  });

  it('is closed for good once disposed: no retry, acknowledgement or close moves it again', () => {
    for (const from of [CONNECTING, STATES.open!, STATES.reconnecting!]) {
      const closed = socketTransition(from, { type: 'dispose' });
      assert.deepEqual(closed, { name: 'closed' });
      for (const event of Object.values(EVENTS)) assert.equal(socketTransition(closed, event), closed);
    }
  });
});
