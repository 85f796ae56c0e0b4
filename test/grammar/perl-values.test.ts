import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { num, numberOfText } from '../../grammar/perl-values.js';

describe('grammar/perl-values num', () => {
  it('reads every string as the long way does, the fast path for plain decimals included', () => {
    const text = fc.string({ unit: fc.constantFrom('0', '1', '9', '.', '-', '+', ' ', 'e', 'E', 'x', 'n', 'a', 'i', 'f', '\t', '#'), maxLength: 8 });
    fc.assert(
      fc.property(text, (s) => Object.is(num(s), numberOfText(s))),
      { numRuns: 20_000 },
    );
  });

  it('takes plain decimals, signs and dots as Perl does', () => {
    const cases: [string, number | undefined][] = [
      ['12', 12], ['-0.5', -0.5], ['3.', 3], ['.5', 0.5], ['-.5', -0.5], ['007', 7], ['-0', -0],
      ['.', undefined], ['-', undefined], ['', undefined], ['1.2.3', undefined], ['--1', undefined], ['1-', undefined],
      ['- ', 0], [' 12 ', 12], ['+3', 3], ['1e3', 1000], ['0 but true', 0], ['inf', Infinity], ['12abc', undefined],
    ];
    for (const [s, want] of cases) assert.ok(Object.is(num(s), want), `${JSON.stringify(s)}: ${num(s)}, want ${want}`);
  });
});
