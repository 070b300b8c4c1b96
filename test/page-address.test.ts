import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MASKED_PAGE_EVENT_TAG, PACKED_EVENTS_TAG, type RecordedEvent } from '../protocol/index.ts';
import { pageAddress, replaceAddresses, stripBatchAddresses } from '../protocol/page-address.ts';

const SITE = 'https://shop.example';

describe('Page addresses leave the browser without their secrets', () => {
  it('drops the query string and the fragment', () => {
    assert.equal(pageAddress(`${SITE}/reset?token=S1#access_token=S2`), `${SITE}/reset`);
    assert.equal(pageAddress(`${SITE}/a/b/`), `${SITE}/a/b/`, 'an address without either is unchanged');
    assert.equal(pageAddress(`${SITE}/a?`), `${SITE}/a`);
    assert.equal(pageAddress(`${SITE}/a#`), `${SITE}/a`);
    assert.equal(pageAddress(`${SITE}/#/account?id=7`), `${SITE}/`, 'a hash route goes with the fragment');
  });

  it('drops a user name and password', () => {
    assert.equal(pageAddress('https://jane:Pa55@shop.example/a?x=1'), `${SITE}/a`);
  });

  it('keeps only the parameters named, as written and in their order', () => {
    const href = `${SITE}/list?token=S1&page=2&sort=price%20asc&Page=9&product=a%2Fb#frag`;
    assert.equal(pageAddress(href, ['page', 'product']), `${SITE}/list?page=2&product=a%2Fb`);
    assert.equal(pageAddress(href, ['sort']), `${SITE}/list?sort=price%20asc`);
    assert.equal(pageAddress(href, ['missing']), `${SITE}/list`);
  });

  it('reads parameter names as the page does: escapes and + decoded, case kept', () => {
    assert.equal(pageAddress(`${SITE}/?p%61ge=1&a+b=2&PAGE=3`, ['page', 'a b']), `${SITE}/?p%61ge=1&a+b=2`);
    assert.equal(pageAddress(`${SITE}/?page&page=&x=1`, ['page']), `${SITE}/?page&page=`, 'a parameter without a value');
    assert.equal(pageAddress(`${SITE}/?%E0%A4%A=1&page=1`, ['page']), `${SITE}/?page=1`, 'an undecodable name is dropped');
    assert.equal(pageAddress(`${SITE}/?&&page=1&`, ['']), `${SITE}/`, 'empty pairs are never kept');
  });

  it('keeps what comes before ? or # of something that is not a URL', () => {
    assert.equal(pageAddress('/reset?token=S1#x'), '/reset');
    assert.equal(pageAddress('not a url#S2'), 'not a url');
  });

  it('replaces the page address in every string of an event, longest first', () => {
    const full = `${SITE}/reset?token=S1#access_token=S2`;
    const document = `${SITE}/reset?token=S1`;
    const event = {
      type: 2,
      data: {
        node: {
          attributes: { href: `${document}#top`, src: document, title: `Go to ${full} now` },
          childNodes: [{ type: 3, textContent: `${document} and ${document}` }],
        },
        untouched: [`${SITE}/other?token=S1`, 42, null, true],
      },
    };
    replaceAddresses(event, [full, document], `${SITE}/reset`);
    assert.deepEqual(event.data.node.attributes, { href: `${SITE}/reset#top`, src: `${SITE}/reset`, title: `Go to ${SITE}/reset now` });
    assert.equal(event.data.node.childNodes[0]!.textContent, `${SITE}/reset and ${SITE}/reset`);
    assert.deepEqual(event.data.untouched, [`${SITE}/other?token=S1`, 42, null, true]);
  });

  it('strips the addresses a batch shows outside packed data, and says whether it did', () => {
    const events: RecordedEvent[] = [
      { type: 4, data: { href: `${SITE}/a?token=S1&page=2#S2`, width: 1, height: 1 }, timestamp: 1 },
      {
        type: 5,
        data: { tag: PACKED_EVENTS_TAG, payload: { encoding: 'deflate-raw', data: 'AA==', size: 1, href: `${SITE}/b#S2` } },
        timestamp: 2,
      },
      { type: 5, data: { tag: MASKED_PAGE_EVENT_TAG, payload: { href: `${SITE}/c?S1`, reason: 'masked' } }, timestamp: 3 },
      { type: 5, data: { tag: MASKED_PAGE_EVENT_TAG, payload: 'not an object' }, timestamp: 4 },
      { type: 3, data: { source: 0, href: `${SITE}/d?S1` }, timestamp: 5 },
    ];
    assert.equal(stripBatchAddresses(events, ['page']), true);
    const hrefs = events.map((event) => JSON.stringify(event.data));
    assert.match(hrefs[0]!, /"href":"https:\/\/shop.example\/a\?page=2"/);
    assert.match(hrefs[1]!, /"href":"https:\/\/shop.example\/b"/);
    assert.match(hrefs[2]!, /"href":"https:\/\/shop.example\/c"/);
    assert.match(hrefs[4]!, /d\?S1/, 'only the fields that hold the page address are read');
    assert.equal(stripBatchAddresses(events, ['page']), false, 'nothing left to strip');
  });
});
