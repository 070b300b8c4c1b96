import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NO_SESSION, noticeFor, sessionViewReducer, type SessionView } from '../app/agent/session-view.ts';
import type { SessionState, StreamMessage } from '../protocol/messages.ts';

const state = (overrides: Partial<SessionState> = {}): SessionState => ({
  id: 's1',
  code: '123456789',
  status: 'ACTIVE',
  mode: 'POINTER',
  agentName: 'Alex',
  endedBy: null,
  endReason: null,
  writeRequest: null,
  guidedRequest: null,
  customerConnected: true,
  customerGoneAt: null,
  customer: null,
  ...overrides,
});
const message = (
  event: Extract<StreamMessage, { type: 'session' }>['event'],
  overrides: Partial<SessionState> = {},
  by?: 'AGENT' | 'CUSTOMER',
) => ({ type: 'session', event, session: state(overrides), ...(by && { by }) }) as StreamMessage;
const joined = sessionViewReducer(NO_SESSION, {
  type: 'joined',
  session: { id: 's1', code: '123456789', status: 'ACTIVE', mode: 'POINTER', url: 'https://shop.example/cart' } as never,
});

describe("the agent desktop's session view", () => {
  it('follows the stream: mode, a pending Write Mode request, presence, the customer and the rules', () => {
    let view: SessionView = sessionViewReducer(joined, {
      type: 'stream',
      message: message('write-requested', { writeRequest: { id: 'r1', expiresAt: '2026-12-07T00:00:00Z' } }),
    });
    assert.equal(view.writeRequested, true);
    view = sessionViewReducer(view, { type: 'stream', message: message('write-approved', { mode: 'WRITE' }) });
    assert.deepEqual([view.writeRequested, view.session?.mode], [false, 'WRITE']);
    view = sessionViewReducer(view, {
      type: 'stream',
      message: message('customer-disconnected', { customerGoneAt: '2026-12-07T00:00:01Z' }),
    });
    assert.equal(view.customerGoneAt, '2026-12-07T00:00:01Z');
    view = sessionViewReducer(view, { type: 'stream', message: message('paused', { status: 'PAUSED' }) });
    assert.equal(view.session?.status, 'PAUSED');
    const rules = { writeModeEnabled: true, disabledSelectors: ['#pay'] } as never;
    view = sessionViewReducer(view, { type: 'stream', message: { type: 'rules', rules } });
    assert.equal(view.rules, rules);
    view = sessionViewReducer(view, { type: 'viewport', viewport: { width: 800, height: 600 } });
    view = sessionViewReducer(view, { type: 'page', url: 'https://shop.example/pay' });
    assert.deepEqual([view.viewport, view.pageUrl], [{ width: 800, height: 600 }, 'https://shop.example/pay']);
    assert.deepEqual(sessionViewReducer(view, { type: 'left' }), NO_SESSION);
  });

  it('ignores the events it does not keep', () => {
    const view = sessionViewReducer(joined, { type: 'stream', message: { type: 'snapshot-request' } as StreamMessage });
    assert.equal(view, joined);
  });

  it('tells the agent what each stream message means, and when the session is over', () => {
    assert.equal(noticeFor(message('write-declined'), false)?.tone, 'warning');
    assert.match(noticeFor(message('pointer-mode', {}, 'CUSTOMER'), false)!.text, /customer switched back/);
    assert.match(noticeFor(message('pointer-mode', {}, 'AGENT'), false)!.text, /You are back/);
    assert.match(noticeFor(message('paused', { status: 'PAUSED' }), false)!.text, /hidden from you/);
    assert.deepEqual(noticeFor(message('ended', { status: 'ENDED', endedBy: 'CUSTOMER' }), false), {
      tone: 'warning',
      text: 'The customer ended the co-browse session.',
      ends: true,
    });
    assert.equal(noticeFor(message('state', { status: 'ENDED', endReason: 'timeout' }), false)?.ends, true);
    assert.equal(noticeFor(message('state'), false), null, 'a live session’s first message says nothing');
    assert.equal(noticeFor(message('customer-connected'), false), null, 'a customer who never left is not news');
    assert.match(noticeFor(message('customer-connected'), true)!.text, /back/);
    assert.equal(noticeFor({ type: 'action-result', id: 1, ok: true } as StreamMessage, false), null);
    assert.equal(
      noticeFor({ type: 'action-result', id: 1, ok: false, reason: 'Hidden field' } as StreamMessage, false)?.text,
      'Hidden field',
    );
  });
});
