import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { perlRegex, translatePerlRegex } from '../runtime/perl-regex.js';

function m(re: string, text: string, opts = {}): boolean {
  return perlRegex(re, opts).test(text);
}

describe('Perl regexes in JavaScript', () => {
  it('$ matches before a final newline, as in Perl', () => {
    assert.equal(m('foo$', 'foo\n'), true);
    assert.equal(m('foo$', 'foo\nbar'), false);
    assert.equal(m('foo\\z', 'foo\n'), false);
    assert.equal(m('foo\\Z', 'foo\n'), true);
  });

  it('. does not match a newline but matches U+2028, as in Perl', () => {
    assert.equal(m('a.b', 'a\nb'), false);
    assert.equal(m('a.b', 'a\u2028b'), true);
    assert.equal(m('a.b', 'a\nb', { dotall: true }), true);
  });

  it('\\w, \\d and \\b are Unicode-aware, as Perl on character strings', () => {
    assert.equal(m('^\\w+$', 'café'), true);
    assert.equal(m('^\\d$', '٣'), true);
    assert.equal(m('\\bcafé\\b', 'un café noir'), true);
    assert.equal(m('^\\s$', '\u0085'), true);
    assert.equal(m('^\\s$', '\uFEFF'), false);
  });

  it('keeps the meaning of \\b next to words, groups and quantifiers', () => {
    const cases: [string, string, boolean][] = [
      ['\\bkernel\\b', 'the kernel.', true],
      ['\\bkernel\\b', 'kernels', false],
      ['\\bkernel\\b', 'ékernel', false],
      ['\\b(outage|down)\\b', 'is down', true],
      ['\\b(outage|down)\\b', 'downtime', false],
      ['\\ba?x', 'ax', true],
      ['\\ba?x', 'bx', false],
      ['x*\\b', '-', false],
      ['x*\\b', 'x-', true],
      ['(ab|c\\d)\\b', 'c1x', false],
      ['(ab|c\\d)\\b', 'c1 ', true],
      ['(?:a|b)\\b', 'a!', true],
      ['(?=a)\\b', 'ba', false],
    ];
    for (const [re, text, expected] of cases) assert.equal(m(re, text), expected, `${re} on ${text}`);
  });

  it('translates escapes, classes and groups', () => {
    // the original interpolates patterns from variables, where \Q…\E does not quote: they are Q and E
    assert.equal(m('^\\Qa.b\\E$', 'a.b'), false);
    assert.equal(m('^\\Qa.b\\E$', 'QaxbE'), true);
    assert.equal(m('\\u00e9', 'u00e9'), true);
    assert.equal(m('\\u00e9', '\u00e9'), false);
    assert.equal(m('\\Uab\\lA', 'UablA'), true);
    assert.equal(m('^[[:digit:]]+$', '123'), true);
    assert.equal(m('(?<year>\\d{4})-\\k<year>', '2020-2020'), true);
    assert.equal(m('(?P<x>a)(?P=x)', 'aa'), true);
    assert.equal(m('(?i)^abc$', 'ABC'), true);
    assert.equal(m('^a{2,3}$', 'aaa'), true);
    assert.equal(m('^x{$', 'x{'), true);
    assert.equal(m('^\\x41\\x{263A}$', 'A☺'), true);
    assert.equal(m('^[^\\]]+$', 'abc'), true);
    assert.equal(m('^\\:\\@$', ':@'), true);
    assert.equal(m('^(?#comment)a$', 'a'), true);
  });

  const refused: [string, RegExp][] = [
    ['a++', /possessive/],
    ['(?>a)', /atomic/],
    ['a(?i)b', /inline modifiers/],
    ['\\G', /no exact/],
    ['(?x) a b', /extended/],
    ['\\R', /no exact/],
    ['[\\W]', /inside a character class/],
    ['(?R)', /recursion/],
  ];
  for (const [re, why] of refused) {
    it(`refuses ${re}`, () => {
      const t = translatePerlRegex(re);
      assert.equal(t.ok, false);
      if (!t.ok) {
        assert.equal(t.unsupported, true);
        assert.match(t.message, why);
      }
    });
  }

  it('reports the offset of a refused construct', () => {
    const t = translatePerlRegex('abc(?>x)');
    assert.ok(!t.ok && t.offset === 3);
  });

  it('reports patterns that do not compile', () => {
    const t = translatePerlRegex('(abc');
    assert.ok(!t.ok && !t.unsupported);
  });
});
