import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { PerlRegex, perlRegex } from '../../runtime/perl-matcher.js';
import { translatePerlRegex } from '../../grammar/perl-regex.js';

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
    ['\\G', /no exact/],
    ['\\R', /no exact/],
    ['[\\W]', /inside a character class/],
    ['(?R)', /recursion/],
    ['(?i:a)\\1', /case modifier/],
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
    const t = translatePerlRegex('abc(?R)');
    assert.ok(!t.ok && t.offset === 3);
  });

  it('reports patterns that do not compile', () => {
    const t = translatePerlRegex('(abc');
    assert.ok(!t.ok && !t.unsupported);
  });
});

describe('Perl regexes the original runs that JavaScript has no syntax for', () => {
  const cases: [string, string, boolean][] = [
    ['(?x) a b c ', 'abc', true],
    ['(?x) a b c ', 'a b c', false],
    ['(?x) a\\ b # a comment\n c', 'a bc', true],
    ['[[:^alpha:]]', 'abc', false],
    ['[[:^alpha:]]', 'ab1', true],
    ['^[[:^digit:]x]+$', 'ax-', true],
    ['^[[:^space:]]+$', 'a\u00a0b', false],
    ['^[[:^space:]3]+$', 'ab3', true],
    // Perl 5.34 and later (the original's 5.36) read {,n} as {0,n}
    ['^a{,2}b$', 'aab', true],
    ['^a{,2}b$', 'aaab', false],
    ['(?i:abc)d', 'ABCd', true],
    ['(?i:abc)d', 'ABCD', false],
    ['a(?i)b', 'aB', true],
    ['a(?i)b', 'AB', false],
    ['(?i)a(?-i)b', 'Ab', true],
    ['(?i)a(?-i)b', 'AB', false],
    ['(?s:a.)b', 'a\nb', true],
    ['(?m)^b', 'a\nb', true],
    ['^b', 'a\nb', false],
    ['a++b', 'aab', true],
    ['a++a', 'aaa', false],
    ['(?>a+)b', 'aab', true],
    ['(?>a+)a', 'aaa', false],
    ['^(?>a|ab)c$', 'abc', false],
    ['(a)(?>b)(c)\\2', 'abcc', true],
  ];
  for (const [re, text, expected] of cases) {
    it(`${JSON.stringify(re)} on ${JSON.stringify(text)} is ${expected}`, () => assert.equal(m(re, text), expected));
  }

  it('keeps Perl group numbers around the groups that emulate atomic groups', () => {
    assert.deepEqual([...perlRegex('(a)(?>(b))(c)').exec('abc')!], ['abc', 'a', 'b', 'c']);
    assert.deepEqual([...perlRegex('(a)(b)++(c)').exec('abbc')!], ['abbc', 'a', 'b', 'c']);
  });
});

describe('Perl regexes on RE2', () => {
  it('runs nested quantifiers in linear time', () => {
    assert.equal(perlRegex('(a+)+$').backtrack, undefined);
    assert.equal(perlRegex('(a+)+$').test('a'.repeat(100_000) + 'b'), false);
    assert.equal(perlRegex('(x+x+)+y').replace('x'.repeat(100_000), () => 'Z').length, 100_000);
  });

  it('says why a pattern needs the backtracking engine', () => {
    assert.match(perlRegex('(a)\\1').backtrack!.message, /backreference/);
    assert.match(perlRegex('a+(?=b)').backtrack!.message, /lookaround/);
    assert.match(perlRegex('a+$b').backtrack!.message, /\$/);
    assert.match(perlRegex('\\bfo+').backtrack!.message, /non-ASCII/);
  });

  it('runs a short text on JavaScript\'s engine in this thread where the pattern\'s shape bounds its work', () => {
    // (a+)+ nests quantifiers: RE2 however short the text
    assert.equal(perlRegex('(a+)+$').test('a'.repeat(30) + 'b'), false);
    assert.equal(perlRegex('(a)\\1').test('aa'), true);
    assert.equal(m('\\bcaf\\b', 'café'), false);
    assert.equal(m('\\bcaf\\b', 'x'.repeat(10_000) + ' café'), false);
    assert.equal(m('\\d+\\.\\d+$', 'x'.repeat(10_000) + ' 1.5\n'), true);
  });

  it('takes the line break a final $ consumed off the match, as Perl does not match it', () => {
    const re2 = (p: string) => new PerlRegex(p, {}, false);
    assert.deepEqual([...re2('(o+)$').exec('foo\n')!], ['oo', 'oo']);
    assert.equal(re2('\\s*$').replace('ab \n', () => '<>'), 'ab<><>');
    assert.equal(re2('x*$').replace('ab\n', () => 'Z'), 'abZ\nZ');
  });

  it('matches whole characters beyond the BMP (JavaScript can match an empty text inside one)', () => {
    for (const inThread of [true, false]) {
      assert.equal(new PerlRegex('(.)', {}, inThread).replace('x😀y', (x) => `[${x}]`), '[x][😀][y]');
      assert.equal(new PerlRegex('(a|a*?)(?m)$', {}, inThread).replace('😀', () => '<>'), '😀<>');
    }
  });

  it('repeats a group that matched the empty text as Perl does, not as JavaScript', () => {
    // perl -e '" " =~ /([^a]*?)+/; print "[$&][$1]"' prints [][]
    assert.deepEqual([...perlRegex('([^a]*?)+').exec(' ')!], ['', '']);
  });

  it('uses Perl\'s \\b on text with non-ASCII word characters', () => {
    for (const inThread of [true, false]) {
      const t = (p: string, text: string) => new PerlRegex(p, {}, inThread).test(text);
      assert.equal(t('\\bcaf\\b', 'café'), false);
      assert.equal(t('\\bcaf\\b', 'caf noir'), true);
      assert.equal(t('\\Bé', 'café'), true);
      assert.equal(t('o+\\b', 'foo bar'), true);
    }
  });

  it('means what the backtracking form means, on generated patterns and texts', () => {
    const atom = fc.constantFrom('a', 'b', 'é', '.', '\\w', '\\W', '\\d', '\\s', '\\S', '[a-c]', '[^a]', '[[:alpha:]]', '[[:^alpha:]]', '\\x{e9}', 'A', '_', ' ');
    const piece = fc.tuple(atom, fc.constantFrom('', '', '*', '+', '?', '{1,2}', '*?', '+?', '{,2}')).map(([a, q]) => a + q);
    const seq = fc.array(piece, { minLength: 1, maxLength: 4 }).map((p) => p.join(''));
    // a quantified group that can match the empty text repeats differently in JavaScript than in Perl and RE2 (see below)
    const solid = fc.array(fc.tuple(atom, fc.constantFrom('', '+', '{1,2}', '+?')).map(([a, q]) => a + q), { minLength: 1, maxLength: 3 }).map((p) => p.join(''));
    const group = fc.oneof(seq, fc.tuple(seq, seq).map(([a, b]) => `(${a}|${b})`), solid.map((s) => `(${s})+`));
    const pattern = fc
      .tuple(fc.constantFrom('', '^', '\\A', '(?i)', '(?m)^', '\\b'), fc.array(group, { minLength: 1, maxLength: 3 }), fc.constantFrom('', '$', '\\z', '\\Z', '\\b', '(?m)$'))
      .map(([a, g, z]) => a + g.join('') + z);
    const text = fc.array(fc.constantFrom('a', 'b', 'c', 'A', 'é', 'É', '1', '_', ' ', '\n', '\u00a0'), { maxLength: 8 }).map((c) => c.join(''));
    fc.assert(
      fc.property(pattern, text, fc.boolean(), fc.boolean(), (src, s, icase, dotall) => {
        const t = translatePerlRegex(src, { icase, dotall });
        if (!t.ok || !t.js) return;
        const re = new PerlRegex(src, { icase, dotall }, false);
        const js = new RegExp(t.js.source, t.js.flags);
        const groups = (x: RegExpExecArray | null) => (x ? [x.index, ...t.js!.groups.map((g) => x[g])] : null);
        const got = re.exec(s);
        assert.deepEqual(got ? [got.index, ...got] : null, groups(js.exec(s)), `exec ${src} on ${JSON.stringify(s)}`);
        assert.equal(re.test(s), js.test(s), `test ${src}`);
        const all = new RegExp(t.js.source, t.js.flags + 'g');
        const expected = s.replace(all, (x, ...g) => `<${x}|${t.js!.groups.slice(1).map((k) => g[k - 1] ?? '-').join(',')}>`);
        assert.equal(re.replace(s, (x, ...g) => `<${x}|${g.map((v) => v ?? '-').join(',')}>`), expected, `replace ${src} on ${JSON.stringify(s)}`);
      }),
      { numRuns: 1500 },
    );
  });
});
