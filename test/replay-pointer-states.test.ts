import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  customerMediaQuery,
  MAX_CONDITIONAL_IMPORT_SHEETS,
  MAX_CONDITIONAL_IMPORTS_PER_SHEET,
  readConditionalImports,
  stateSelector,
} from '../app/lib/replay-pointer-states.ts';

describe('the replay’s rewriting of pointer states and the customer’s media features', () => {
  it('makes each state pseudo-class its class, once, and leaves other pseudo-classes', () => {
    assert.equal(stateSelector('a:hover, .b:focus-visible > i'), 'a.\\:hover, .b.\\:focus-visible > i');
    assert.equal(stateSelector('.c:not(:hover):focus-within'), '.c:not(.\\:hover).\\:focus-within');
    assert.equal(stateSelector('&:active'), '&.\\:active');
    assert.equal(stateSelector('a.\\:hover'), 'a.\\:hover');
    assert.equal(stateSelector('input:focus, a:hovered, :active-view-transition'), 'input.\\:focus, a:hovered, :active-view-transition');
  });

  it('evaluates the features the customer sent and leaves the rest', () => {
    const customer = new Map([
      ['prefers-color-scheme', 'dark'],
      ['hover', 'none'],
      ['any-pointer', 'coarse'],
    ]);
    assert.equal(customerMediaQuery('screen and (prefers-color-scheme: dark)', customer), 'screen and (min-width: 0px)');
    assert.equal(customerMediaQuery('(prefers-color-scheme: light)', customer), '(max-width: -1px)');
    assert.equal(customerMediaQuery('(hover: hover) and (any-pointer: coarse)', customer), '(max-width: -1px) and (min-width: 0px)');
    assert.equal(customerMediaQuery('(hover)', customer), '(max-width: -1px)');
    assert.equal(
      customerMediaQuery('(prefers-reduced-motion: reduce), (min-width: 600px)', customer),
      '(prefers-reduced-motion: reduce), (min-width: 600px)',
    );
  });

  it('reads at most its limits of a conditional-imports event, and nothing malformed', () => {
    const imports = Array.from({ length: MAX_CONDITIONAL_IMPORTS_PER_SHEET + 5 }, (_, at) => ({ at, rules: 1, layer: 'x' }));
    const sheets = Array.from({ length: MAX_CONDITIONAL_IMPORT_SHEETS + 5 }, (_, id) => ({ id: id + 1, imports }));
    const read = readConditionalImports({ sheets });
    assert.equal(read.length, MAX_CONDITIONAL_IMPORT_SHEETS);
    assert.equal(read[0]!.imports.length, MAX_CONDITIONAL_IMPORTS_PER_SHEET);
    assert.deepEqual(readConditionalImports({ sheets: [{ id: 'x', imports }, { id: 2 }, null, { id: 3, imports: [null, 4] }] }), [
      { id: 3, imports: [] },
    ]);
    assert.deepEqual(readConditionalImports(null), []);
  });
});
