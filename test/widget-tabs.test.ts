import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { customerTabOf, MAX_CUSTOMER_TABS } from '../protocol/customer-tabs.ts';
import { tabMessageOf } from '../widget/tabs/tab-messages.ts';
import { createTabRoster } from '../widget/tabs/tab-roster.ts';

const session = { sessionId: 'cm0session', code: '123456789', customerToken: 'token-1' };

describe("the site's tabs: messages on their channel", () => {
  it('takes each kind of message, rebuilt from its checked fields only', () => {
    assert.deepEqual(tabMessageOf({ type: 'ask', tab: 'abcdefgh', extra: 'dropped' }), { type: 'ask', tab: 'abcdefgh' });
    assert.deepEqual(tabMessageOf({ type: 'offer', tab: 'abcdefgh', to: '12345678', session: { ...session, more: 1 } }), {
      type: 'offer',
      tab: 'abcdefgh',
      to: '12345678',
      session,
    });
    assert.deepEqual(tabMessageOf({ type: 'hello', tab: 'abcdefgh', sessionId: 's', since: 5 }), {
      type: 'hello',
      tab: 'abcdefgh',
      sessionId: 's',
      since: 5,
    });
    assert.deepEqual(tabMessageOf({ type: 'bye', tab: 'abcdefgh', sessionId: 's', held: true }), {
      type: 'bye',
      tab: 'abcdefgh',
      sessionId: 's',
      held: true,
    });
    assert.deepEqual(tabMessageOf({ type: 'ended', tab: 'abcdefgh', sessionId: 's', endedBy: 'AGENT' }), {
      type: 'ended',
      tab: 'abcdefgh',
      sessionId: 's',
      endedBy: 'AGENT',
    });
  });

  it('refuses what another script of the page may post: wrong shapes, sizes and values', () => {
    const refused = [
      null,
      'ask',
      42,
      { type: 'ask' },
      { type: 'ask', tab: 'UPPERCASE' },
      { type: 'ask', tab: 'x'.repeat(33) },
      { type: 'unknown', tab: 'abcdefgh', sessionId: 's' },
      { type: 'offer', tab: 'abcdefgh', to: '12345678', session: { ...session, code: '12345' } },
      { type: 'offer', tab: 'abcdefgh', to: '12345678', session: { ...session, customerToken: 'x'.repeat(513) } },
      { type: 'offer', tab: 'abcdefgh', to: '12345678', session: { ...session, sessionId: '' } },
      { type: 'offer', tab: 'abcdefgh', session },
      { type: 'hello', tab: 'abcdefgh', sessionId: 's', since: Number.NaN },
      { type: 'hello', tab: 'abcdefgh', sessionId: 'x'.repeat(65), since: 1 },
      { type: 'streaming', tab: 'abcdefgh' },
      { type: 'bye', tab: 'abcdefgh', sessionId: 's', held: 'yes' },
      { type: 'ended', tab: 'abcdefgh', sessionId: 's', endedBy: 'SOMEONE' },
    ];
    for (const data of refused) assert.equal(tabMessageOf(data), null, JSON.stringify(data));
  });
});

describe("the site's tabs: the roster and the tab the agent is told of", () => {
  it('numbers the tabs in the order they joined, and forgets closed ones', () => {
    const roster = createTabRoster('bbbbbbbb', 200);
    roster.add('aaaaaaaa', 100);
    roster.add('cccccccc', 300);
    assert.deepEqual(roster.position(), { index: 2, count: 3 });
    assert.equal(roster.first(), 'aaaaaaaa');
    roster.remove('aaaaaaaa');
    roster.remove('bbbbbbbb'); // never itself
    assert.deepEqual(roster.position(), { index: 1, count: 2 });
    assert.equal(roster.first(), 'bbbbbbbb');
  });

  it(`counts at most ${MAX_CUSTOMER_TABS} tabs however many a page opens`, () => {
    const roster = createTabRoster('me000000', 0);
    let counted = 1;
    for (let tab = 1; tab <= 100; tab++) if (roster.add(`tab${String(tab).padStart(5, '0')}`, tab)) counted++;
    assert.equal(counted, MAX_CUSTOMER_TABS);
    assert.deepEqual(roster.position(), { index: 1, count: MAX_CUSTOMER_TABS });
    // A tab already counted is counted again (a second hello) without growing the roster.
    assert.equal(roster.add('tab00001', 1), true);
    assert.equal(roster.position().count, MAX_CUSTOMER_TABS);
  });

  it("the agent's view takes only a valid tab", () => {
    assert.deepEqual(customerTabOf({ index: 2, count: 3 }), { index: 2, count: 3 });
    for (const payload of [
      null,
      { index: 0, count: 1 },
      { index: 3, count: 2 },
      { index: 1.5, count: 2 },
      { index: 1, count: MAX_CUSTOMER_TABS + 1 },
      { index: '1', count: 2 },
    ])
      assert.equal(customerTabOf(payload), null, JSON.stringify(payload));
  });
});
