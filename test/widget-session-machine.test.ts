import { DEFAULT_CAPABILITIES } from '../protocol/guided-mode.ts';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SessionRules, SessionState } from '../protocol/messages.ts';
import { IDLE, openOf, transition, type OpenSession, type SessionEvent, type WidgetSession } from '../widget/session-machine.ts';

const stored = { sessionId: 's1', code: '123456', customerToken: 'token-1' };
const otherStored = { sessionId: 's2', code: '654321', customerToken: 'token-2' };
const rules: SessionRules = {
  writeModeEnabled: true,
  capabilities: DEFAULT_CAPABILITIES.agent,
  captureAssets: false,
  disabledSelectors: [],
  maskedFieldSelectors: [],
  maskedElementSelectors: [],
  maskedImageSelectors: [],
  maskedCanvasSelectors: [],
  maskedPagePatterns: [],
  keptQueryParameters: [],
  frameOrigins: [],
};

const server = (status: SessionState['status'], more: Partial<SessionState> = {}): SessionState => ({
  id: 's1',
  code: '123456',
  status,
  mode: 'POINTER',
  agentName: status === 'WAITING' ? null : 'Ada',
  endedBy: null,
  endReason: null,
  writeRequest: null,
  guidedRequest: null,
  customerConnected: true,
  customerGoneAt: null,
  customer: null,
  ...more,
});

const open = (phase: 'waiting' | 'joined', more: Partial<OpenSession> = {}): WidgetSession => ({
  phase,
  session: stored,
  link: 'connected',
  fresh: false,
  ...more,
});

/** Every state the widget's session can be in, one of each kind. */
const STATES: Record<string, WidgetSession> = {
  idle: IDLE,
  starting: { phase: 'starting' },
  'waiting, socket connecting': open('waiting', { link: 'connecting', fresh: true }),
  'waiting, connected': open('waiting', { server: server('WAITING'), rules }),
  'joined, connected': open('joined', { server: server('ACTIVE'), rules }),
  'joined, reconnecting': open('joined', { server: server('ACTIVE'), rules, link: 'reconnecting' }),
  ended: { phase: 'ended', endedBy: 'AGENT' },
};

/** Every kind of event, one of each. */
const EVENTS: Record<string, SessionEvent> = {
  start: { type: 'start' },
  'start-failed': { type: 'start-failed' },
  open: { type: 'open', session: stored, fresh: true },
  connected: { type: 'connected', session: stored },
  lost: { type: 'lost', session: stored },
  rules: { type: 'rules', rules },
  'session state': { type: 'session', event: 'state', session: server('ACTIVE') },
  'ask-site': { type: 'ask-site', requestId: 'w1' },
  end: { type: 'end', endedBy: 'CUSTOMER' },
};

/** Which events each state takes; every other pair must leave the state as it is. */
const TAKEN: Record<string, string[]> = {
  idle: ['start', 'open'],
  starting: ['start-failed', 'open'],
  'waiting, socket connecting': ['connected', 'rules', 'session state', 'ask-site', 'end'],
  'waiting, connected': ['lost', 'connected', 'rules', 'session state', 'ask-site', 'end'],
  'joined, connected': ['lost', 'connected', 'rules', 'session state', 'ask-site', 'end'],
  'joined, reconnecting': ['connected', 'rules', 'session state', 'ask-site', 'end'],
  ended: ['start', 'open'],
};

describe("the widget's session machine", () => {
  it('takes exactly the events of its table in every state, and refuses the rest by returning the same state', () => {
    for (const [stateName, state] of Object.entries(STATES))
      for (const [eventName, event] of Object.entries(EVENTS)) {
        const next = transition(state, event);
        const taken = TAKEN[stateName]!.includes(eventName);
        assert.equal(next !== state, taken, `${stateName} + ${eventName}: ${taken ? 'should be taken' : 'should be refused'}`);
      }
  });

  it('starts: idle or ended → starting; a second start while starting is refused; a failed start is idle again', () => {
    const starting = transition(IDLE, { type: 'start' });
    assert.deepEqual(starting, { phase: 'starting' });
    assert.deepEqual(transition(STATES.ended!, { type: 'start' }), { phase: 'starting' });
    assert.equal(transition(starting, { type: 'start' }), starting);
    assert.equal(transition(starting, { type: 'start-failed' }), IDLE);
  });

  it('opens a started or resumed session waiting, with its socket connecting and nothing heard yet', () => {
    for (const from of [IDLE, STATES.starting!, STATES.ended!])
      for (const fresh of [true, false])
        assert.deepEqual(transition(from, { type: 'open', session: stored, fresh }), {
          phase: 'waiting',
          session: stored,
          link: 'connecting',
          fresh,
        });
  });

  it("follows the socket: connecting → connected → reconnecting → connected, only for the session's own socket", () => {
    const connecting = STATES['waiting, socket connecting']!;
    const connected = transition(connecting, { type: 'connected', session: stored });
    assert.equal(openOf(connected)?.link, 'connected');
    const lost = transition(connected, { type: 'lost', session: stored });
    assert.equal(openOf(lost)?.link, 'reconnecting');
    assert.equal(openOf(transition(lost, { type: 'connected', session: stored }))?.link, 'connected');
    // A loss counts only once the socket was up, and never twice.
    assert.equal(transition(connecting, { type: 'lost', session: stored }), connecting);
    assert.equal(transition(lost, { type: 'lost', session: stored }), lost);
    // The socket of another (earlier) session changes nothing.
    assert.equal(transition(connecting, { type: 'connected', session: { ...stored } }), connecting);
    assert.equal(transition(connected, { type: 'lost', session: otherStored }), connected);
  });

  it('is waiting while the server says WAITING and joined while ACTIVE or PAUSED, keeping the server state', () => {
    const waiting = STATES['waiting, socket connecting']!;
    for (const [status, phase] of [
      ['WAITING', 'waiting'],
      ['ACTIVE', 'joined'],
      ['PAUSED', 'joined'],
    ] as const) {
      const next = transition(waiting, { type: 'session', event: 'state', session: server(status) });
      assert.equal(next.phase, phase, status);
      assert.equal(openOf(next)?.server?.status, status);
      assert.equal(openOf(next)?.link, 'connecting', 'the socket is not the stream');
    }
    const joined = transition(waiting, { type: 'session', event: 'agent-joined', session: server('ACTIVE') });
    assert.equal(joined.phase, 'joined');
    const left = transition(joined, { type: 'session', event: 'agent-left', session: server('WAITING') });
    assert.equal(left.phase, 'waiting');
  });

  it('keeps a started session fresh until the first state of its stream, whatever came before', () => {
    const fresh = STATES['waiting, socket connecting']!;
    assert.equal(openOf(transition(fresh, { type: 'rules', rules }))?.fresh, true);
    assert.equal(openOf(transition(fresh, { type: 'session', event: 'agent-joined', session: server('ACTIVE') }))?.fresh, true);
    assert.equal(openOf(transition(fresh, { type: 'session', event: 'state', session: server('ACTIVE') }))?.fresh, false);
  });

  it('keeps the rules of the latest stream', () => {
    const other = { ...rules, writeModeEnabled: false };
    assert.equal(openOf(transition(STATES['joined, connected']!, { type: 'rules', rules: other }))?.rules, other);
  });

  it('hands each Write Mode request to the site once', () => {
    const joined = STATES['joined, connected']!;
    const asked = transition(joined, { type: 'ask-site', requestId: 'w1' });
    assert.equal(openOf(asked)?.askedSite, 'w1');
    assert.equal(transition(asked, { type: 'ask-site', requestId: 'w1' }), asked);
    assert.equal(openOf(transition(asked, { type: 'ask-site', requestId: 'w2' }))?.askedSite, 'w2');
  });

  it('ends on an end, an `ended` message or an ENDED state, saying who ended it; an end heard twice is refused', () => {
    const joined = STATES['joined, connected']!;
    const ended = transition(joined, { type: 'end', endedBy: 'CUSTOMER' });
    assert.deepEqual(ended, { phase: 'ended', endedBy: 'CUSTOMER' });
    assert.equal(transition(ended, { type: 'end', endedBy: 'CUSTOMER' }), ended);
    assert.deepEqual(transition(joined, { type: 'session', event: 'ended', session: server('ENDED', { endedBy: 'AGENT' }) }), {
      phase: 'ended',
      endedBy: 'AGENT',
    });
    assert.deepEqual(transition(joined, { type: 'session', event: 'state', session: server('ENDED', { endedBy: null }) }), {
      phase: 'ended',
      endedBy: null,
    });
    // Nothing about a session reaches the machine once it is over, or before one is open.
    for (const state of [IDLE, STATES.starting!, ended])
      for (const event of [EVENTS.connected!, EVENTS.lost!, EVENTS.rules!, EVENTS['session state']!, EVENTS['ask-site']!, EVENTS.end!])
        assert.equal(transition(state, event), state);
  });

  it('never changes the state it is given', () => {
    for (const state of Object.values(STATES)) {
      const copy = structuredClone(state);
      for (const event of Object.values(EVENTS)) transition(state, event);
      assert.deepEqual(state, copy);
    }
  });
});
