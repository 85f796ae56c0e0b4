import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCondition } from '../grammar/condition-parser.js';
import { unparse } from '../grammar/unparse.js';
import { evaluate } from '../runtime/evaluate.js';
import type { Message } from '../runtime/pipeline-api.js';

function grouping(text: string): string {
  const r = parseCondition(text);
  assert.deepEqual(r.errors, [], `errors for ${text}`);
  return unparse(r.ast!, true);
}

function holds(text: string, m: Message): boolean {
  const r = parseCondition(text);
  assert.deepEqual(r.errors, [], `errors for ${text}`);
  return evaluate(r.ast!, m);
}

describe('condition precedence, as the original splits it', () => {
  const table: [string, string][] = [
    ['a is true AND b is true OR c is true', 'a is true AND ( b is true OR c is true )'],
    ['a is true OR b is true AND c is true', '( a is true OR b is true ) AND c is true'],
    ['NOT a is true AND NOT b is true', 'NOT a is true AND NOT b is true'],
    ['a is true AND b is true AND c is true', '( a is true AND b is true ) AND c is true'],
    ['a is true OR b is true OR c is true', '( a is true OR b is true ) OR c is true'],
    ['( a is true AND b is true ) OR c is true', '( a is true AND b is true ) OR c is true'],
    ['NOT NOT a is true', 'NOT NOT a is true'],
  ];
  for (const [input, expected] of table) {
    it(input, () => assert.equal(grouping(input), expected));
  }

  it('a AND b OR c means a AND (b OR c) when evaluated', () => {
    assert.equal(holds('a is true AND b is true OR c is true', { a: 0, b: 0, c: 1 }), false);
    assert.equal(holds('a is true AND b is true OR c is true', { a: 1, b: 0, c: 1 }), true);
    assert.equal(holds('a is true OR b is true AND c is true', { a: 1, c: 0 }), false);
  });
});

describe('tests and their values', () => {
  it('equals compares strings and needs a true value', () => {
    assert.equal(holds('x equals foo', { x: 'foo' }), true);
    assert.equal(holds('x equals 5', { x: 5 }), true);
    assert.equal(holds('x equals 0', { x: '0' }), false);
    assert.equal(holds('x equals foo bar', { x: 'foo bar' }), true);
    assert.equal(holds("x equals 'foo'", { x: 'foo' }), false);
    assert.equal(holds("x equals 'foo'", { x: "'foo'" }), true);
    assert.equal(holds('x equals foo', {}), false);
  });

  it('matches and imatches are unanchored Perl regexes', () => {
    assert.equal(holds('subject matches fo+', { subject: 'a foo b' }), true);
    assert.equal(holds('subject matches ^FOO', { subject: 'foo' }), false);
    assert.equal(holds('subject imatches ^FOO', { subject: 'foo' }), true);
    assert.equal(holds('subject matches (x|y)', { subject: 'y' }), true);
    assert.equal(holds('subject matches xANDy', { subject: 'xANDy' }), true);
    assert.equal(holds('subject matches 0', { subject: '0 and 0' }), false);
  });

  it('contains is true for a present field even when false', () => {
    assert.equal(holds('contains x', { x: 0 }), true);
    assert.equal(holds('contains x', { x: '' }), true);
    assert.equal(holds('contains x', {}), false);
    assert.equal(holds('contains constructor', {}), false);
  });

  it('is true and is false follow Perl truthiness and the string false', () => {
    for (const v of [1, 'yes', '0.0', '00', ' ', 'true']) assert.equal(holds('x is true', { x: v }), true, String(v));
    for (const v of [0, '0', '', null, false, 'false']) {
      assert.equal(holds('x is true', { x: v }), false, String(v));
      assert.equal(holds('x is false', { x: v }), true, String(v));
    }
    assert.equal(holds('x is false', {}), true);
  });

  it('comparisons need numeric fields, and fail both ways otherwise', () => {
    assert.equal(holds('load > 2', { load: '2.5' }), true);
    assert.equal(holds('load > 2', { load: 3 }), true);
    assert.equal(holds('load <= 2', { load: 2 }), true);
    assert.equal(holds('load < 5', {}), false);
    assert.equal(holds('load >= 5', {}), false);
    assert.equal(holds('load < 5', { load: 'high' }), false);
    assert.equal(holds('load >= 5', { load: 'high' }), false);
    assert.equal(holds('a < b', { a: 1, b: '2' }), true);
    assert.equal(holds('1 < 2', {}), true);
    assert.equal(holds('x > 1e3', { x: ' 1001 ' }), true);
    assert.equal(holds('x < 0', { x: '-3' }), true);
  });

  it('dotted names are flat keys', () => {
    assert.equal(holds('config.url equals http://x', { 'config.url': 'http://x' }), true);
    assert.equal(holds('config.url equals http://x', { config: { url: 'http://x' } }), false);
  });

  it('TRUE and FALSE are constants', () => {
    assert.equal(holds('TRUE', {}), true);
    assert.equal(holds('NOT TRUE', {}), false);
    assert.equal(holds('FALSE OR x is true', { x: 1 }), true);
  });
});

describe('parse errors', () => {
  const bad: [string, RegExp][] = [
    ['x == 5', /no `==`/],
    ['a is true and b is true', /capitals/],
    ['x is not true', /is not/],
    ['x<5', /one space/],
    ['x < -5', /negative/],
    ['my-field is true', /not `-`/],
    ['x is True', /lower case/],
    ['NOT', /the tests are/],
    ['x matches ( a )', /stand alone/],
  ];
  for (const [text, hint] of bad) {
    it(text, () => {
      const r = parseCondition(text);
      assert.equal(r.ast, undefined);
      assert.ok(r.errors.length > 0);
      assert.match(r.errors.map((e) => `${e.message} ${e.hint ?? ''}`).join('\n'), hint);
    });
  }

  it('reports the span of the failing test inside the text', () => {
    const r = parseCondition('  a is true AND b == c');
    assert.equal(r.errors.length, 1);
    assert.deepEqual(r.errors[0].span, { start: 16, end: 22 });
  });

  it('an empty condition is an error', () => {
    assert.equal(parseCondition('   ').errors[0].kind, 'empty');
  });

  it('group spans point into the original text', () => {
    const r = parseCondition('( x == 1 ) OR y is true');
    assert.deepEqual(r.errors[0].span, { start: 2, end: 8 });
  });
});
