import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizePagePattern, pageMatches } from '../protocol/page-patterns.ts';

const SITE = 'https://shop.example';
const hidden = (pattern: string, path: string) => pageMatches(pattern, SITE + path);

describe('Masked-page patterns match the normalized path', () => {
  it('keeps matching what it matched before', () => {
    assert.ok(hidden('/account/*', '/account/settings'));
    assert.ok(hidden('/checkout*', '/checkout?step=2'));
    assert.ok(hidden('https://shop.example/checkout*', '/checkout/pay'));
    assert.ok(hidden('*', '/anything'));
    assert.ok(!hidden('/account/*', '/accounts'));
    assert.ok(!hidden('/account/*', '/help/account/x'));
    assert.ok(!hidden('https://other.example/*', '/account'));
  });

  it('collapses repeated slashes', () => {
    assert.ok(hidden('/account/*', '//account/x'));
    assert.ok(hidden('/account/*', '/account//x'));
    assert.ok(hidden('/a/b', '/a///b'));
    assert.ok(hidden('//account//*', '/account/x'), 'in the pattern too');
  });

  it('decodes percent-escapes, in any case', () => {
    assert.ok(hidden('/account/*', '/%61ccount/x'));
    assert.ok(hidden('/account/*', '/%41CCOUNT/x'), 'matching ignores case');
    assert.ok(hidden('/k%C3%B6nto/*', '/k%c3%b6nto/x'));
    assert.ok(hidden('/könto/*', '/k%C3%B6nto/x'));
    assert.ok(hidden('/account/*', '/account/%ZZ'), 'a broken escape is left as it is');
  });

  it('tries %2F both as data and as a separator, so it can only hide more', () => {
    assert.ok(hidden('/account/*', '/account%2Fsettings'), 'as a separator');
    assert.ok(hidden('/files/a%2Fb', '/files/a%2fb'), 'as data');
  });

  it('ignores a trailing slash, and /* covers the bare prefix', () => {
    assert.ok(hidden('/account', '/account/'));
    assert.ok(hidden('/account/', '/account'));
    assert.ok(hidden('/account/*', '/account'));
    assert.ok(hidden('/account/*', '/account/'));
    assert.ok(hidden('/', '/'));
  });

  it('matches hash routes like paths, as well as the real path', () => {
    assert.ok(hidden('/account/*', '/#/account/x'));
    assert.ok(hidden('/account/*', '/app/#!/account/x'));
    assert.ok(hidden('/account/*', '/#//%61ccount/x/'));
    assert.ok(hidden('/app/*', '/app/#/home'), 'the real path still counts');
    assert.ok(!hidden('/account/*', '/#account'), 'a plain anchor is no route');
    assert.ok(hidden('https://shop.example/account/*', '/#/account/x'));
  });

  it('counts the query only when the pattern has one', () => {
    assert.ok(hidden('/account', '/account?tab=cards'));
    assert.ok(hidden('/search?q=*', '/search?q=salary'));
    assert.ok(!hidden('/search?q=*', '/search?page=2'));
    assert.ok(hidden('/account/*', '/#/account/x?tab=1'));
  });

  it('saves patterns in the normalized form', () => {
    assert.equal(normalizePagePattern('//account//*'), '/account/*');
    assert.equal(normalizePagePattern('/%61ccount/'), '/account');
    assert.equal(normalizePagePattern('/a%2Fb/'), '/a%2Fb');
    assert.equal(normalizePagePattern('https://shop.example'), 'https://shop.example/');
    assert.equal(normalizePagePattern('https://shop.example//checkout/*?step=*'), 'https://shop.example/checkout/*?step=*');
    assert.equal(normalizePagePattern('*'), '*');
    assert.equal(normalizePagePattern('/'), '/');
  });
});
