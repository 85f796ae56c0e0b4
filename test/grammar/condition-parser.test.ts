import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCondition } from '../../grammar/condition-parser.js';
import { unparse } from '../../grammar/unparse.js';
import { evaluate } from '../../runtime/evaluate.js';
import type { Message } from '../../runtime/pipeline-api.js';
import { hasErrors } from '../../grammar/diagnostics/diagnostic.js';
import { renderText } from '../../compiler/diagnostics/render.js';
import { compileText, pipelinesFor, runOn } from '../helpers.js';

function grouping(text: string): string {
  const r = parseCondition(text);
  assert.deepEqual(r.problems, [], `problems for ${text}`);
  return unparse(r.ast!, true);
}

function holds(text: string, m: Message): boolean {
  const r = parseCondition(text);
  assert.deepEqual(r.problems, [], `problems for ${text}`);
  return evaluate(r.ast!, m);
}

/** reads evaluates a condition whatever the parser found in it, as the original would. */
function reads(text: string, m: Message): boolean {
  return evaluate(parseCondition(text).ast!, m);
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

  it('numbers are Perl\'s: `%.15g` text, looks_like_number with `0 but true`', () => {
    assert.equal(holds('x equals 1e+20', { x: 1e20 }), true);
    assert.equal(holds('x equals 1e-07', { x: 1e-7 }), true);
    assert.equal(holds('x equals 1', { x: 1.0000000000000002 }), true);
    assert.equal(holds('x equals 9007199254740992', { x: 2 ** 53 }), true);
    assert.equal(holds('x >= 0', { x: '0 but true' }), true);
    assert.equal(holds('x >= 0', { x: ' 0 but true' }), false);
    assert.equal(holds('x > 4', { x: '\u00a05' }), false);
    assert.equal(holds('x > 4', { x: ' 5\n' }), true);
    // a lone minus before whitespace is a number (0) to Perl's looks_like_number, a lone minus is not
    assert.equal(holds('x < 1', { x: '- ' }), true);
    assert.equal(holds('x < 1', { x: '-' }), false);
    // %.15g rounds an exact tie to even, as C's printf does
    assert.equal(holds('x equals 135471768918234', { x: 135471768918234.5 }), true);
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

describe('unparseable tests: false with a warning, as in the original', () => {
  const bad: [string, RegExp][] = [
    ['x == 5', /no `==`/],
    ['a is true and b is true', /capitals/],
    ['x is not true', /is not/],
    ['x<5', /one space/],
    ['x < -5', /negative/],
    ['my-field is true', /not `-`/],
    ['x is True', /lower case/],
    ['NOT', /the tests are/],
  ];
  for (const [text, hint] of bad) {
    it(text, () => {
      const r = parseCondition(text);
      assert.deepEqual(
        r.problems.map((p) => p.kind),
        ['unparseable'],
      );
      assert.match(r.problems.map((e) => `${e.message} ${e.hint ?? ''}`).join('\n'), hint);
      assert.equal(evaluate(r.ast!, { x: 5, a: 1, b: 1, 'my-field': 1 }), false);
      assert.equal(evaluate({ kind: 'not', operand: r.ast!, span: r.ast!.span }, {}), true);
    });
  }

  it('reports the span of the failing test inside the text', () => {
    const r = parseCondition('  a is true AND b == c');
    assert.equal(r.problems.length, 1);
    assert.deepEqual(r.problems[0].span, { start: 16, end: 22 });
  });

  it('only an empty condition is an error; whitespace is an unparseable test', () => {
    assert.equal(parseCondition('').problems[0].kind, 'empty');
    assert.equal(parseCondition('   ').problems[0].kind, 'unparseable');
    assert.equal(parseCondition('   ').problems[0].message, 'an empty test cannot be parsed');
  });

  it('group spans point into the original text', () => {
    const r = parseCondition('( x == 1 ) OR y is true');
    assert.deepEqual(r.problems[0].span, { start: 2, end: 8 });
    assert.equal(reads('( x == 1 ) OR y is true', { y: 1 }), true);
  });

  it('the rest of a condition still counts: NOT of an unparseable test is true', () => {
    assert.equal(reads('NOT a == 5', {}), true);
    assert.equal(reads('a is true OR b == 5', { a: 1 }), true);
    assert.equal(reads('x_1 is true AND AND foo is true', { x_1: 1, foo: 1 }), false);
    assert.equal(reads('(a is true)', { a: 1 }), false);
    assert.equal(reads('a is  true', { a: 1 }), false);
  });

  it('"0" is false without a warning, as Perl-false text', () => {
    const r = parseCondition('( 0 ) OR a is true');
    assert.deepEqual(r.problems, []);
    assert.equal(evaluate(r.ast!, {}), false);
    assert.equal(reads('NOT ( 0 )', {}), true);
  });
});

describe('groups, as the original resolves them (innermost-leftmost, replaced by TRUE or FALSE)', () => {
  it('nest at any depth', () => {
    assert.equal(holds('( ( a is true ) )', { a: 1 }), true);
    assert.equal(holds('( ( x < 5 ) )', { x: 3 }), true);
    assert.equal(holds('( ( x < 5 ) )', { x: 7 }), false);
    assert.equal(holds('( ( a is true ) OR b is true )', { b: 1 }), true);
    assert.equal(holds('NOT ( ( a is true ) OR b is true )', { a: 0, b: 0 }), true);
    assert.equal(holds('( ( ( ( ( a is true ) ) ) ) ) AND ( b is true OR ( c is true ) )', { a: 1, c: 1 }), true);
    assert.equal(holds('(\t( a is true )  )', { a: 1 }), true);
    assert.equal(holds('( s is false ) AND ( ( NOT s equals 0x10 ) )', {}), true);
  });

  it('an inner group is read inside the text of its outer group', () => {
    assert.equal(holds('( ( a is true ) AND b is true OR c is true )', { a: 1, c: 1 }), true);
    assert.equal(grouping('( ( a is true ) OR b is true ) AND c is true'), '( ( a is true ) OR b is true ) AND c is true');
  });

  it('a group inside a value or a regex becomes the text TRUE or FALSE', () => {
    const r = parseCondition('subject equals ( hi )');
    assert.deepEqual(
      r.problems.map((p) => p.kind),
      ['unparseable', 'groupInsideLeaf'],
    );
    assert.ok(r.problems.every((p) => !p.message.includes('\uE000')));
    assert.match(r.problems[1].notes!.join(), /subject equals FALSE/);
    assert.equal(reads('subject equals ( hi )', { subject: 'FALSE' }), true);
    assert.equal(reads('x matches ^( a|b )$', { x: 'FALSE' }), true);
    assert.equal(reads('x matches ^( a|b )$', { x: 'a' }), false);
    assert.equal(reads('b equals x( a is true )y', { a: 1, b: 'xTRUEy' }), true);
    assert.equal(reads('b equals x( a is true )y', { a: 0, b: 'xTRUEy' }), false);
    assert.equal(reads('b equals x( a is true )y', { a: 0, b: 'xFALSEy' }), true);
    assert.equal(reads('( a is true )x is true', { a: 1, TRUEx: 1 }), true);
    assert.equal(reads('( a is true )( b is true )', { a: 1, b: 1 }), false);
  });

  it('a group needs whitespace inside both parentheses and no parenthesis inside', () => {
    assert.equal(holds('subject matches (x|y)', { subject: 'y' }), true);
    assert.equal(reads('( a matches ^(x) OR b is true )', { a: 'x', b: 1 }), false);
  });
});

describe('splitting, with Perl\'s `.` (no newline) and `\\s`', () => {
  it('newlines are whitespace between tokens', () => {
    assert.equal(holds('a is true\nAND b is true', { a: 1, b: 1 }), true);
  });
  it('an AND or OR whose side holds a newline does not split', () => {
    assert.equal(reads('a is true\nOR b is true AND c\nis true', { a: 1, b: 1 }), false);
    assert.equal(holds('NOT\na is true AND b is true', { a: 1, b: 0 }), true);
  });
  it('U+0085 and U+00A0 are whitespace, U+FEFF is not', () => {
    assert.equal(holds('x equals\u00a0y', { x: 'y' }), true);
    assert.equal(holds('x equals\u0085y', { x: 'y' }), true);
    assert.equal(reads('x equals\ufeffy', { x: 'y' }), false);
  });
  it('field names are Perl words', () => {
    assert.equal(holds('\u00e9 is true', { '\u00e9': 1 }), true);
    assert.equal(holds('x < \uff15', { x: 1, '\uff15': 2 }), true);
  });
  it('a field named 0 never matches', () => {
    assert.equal(holds('0 matches x', { 0: 'x' }), false);
    assert.equal(holds('0 equals x', { 0: 'x' }), true);
  });
});

describe('long conditions', () => {
  const rule = (c: string): string => `rules:\n  - name: r\n    condition: ${JSON.stringify(c)}\n    plugin: SetField\n    config: { field: hit, value: 1 }\n`;
  it('chains of 700 ANDs or ORs and 2,400 NOTs compile, run and agree, without nesting calls or code', async () => {
    const cases: [string, Message, boolean][] = [
      [Array(700).fill('a is true').join(' AND '), { a: 1 }, true],
      [Array(700).fill('a is true').join(' OR ') + ' OR b is true', { b: 1 }, true],
      ['NOT '.repeat(2401) + 'a is true', { a: 1 }, false],
      ['( '.repeat(1600) + 'a is true' + ' )'.repeat(1600), { a: 1 }, true],
    ];
    for (const [c, m, hit] of cases) {
      const p = await pipelinesFor(rule(c));
      for (const run of [p.interpreted, p.optimized, p.literal]) {
        assert.equal((runOn(run, m) as { message: Message }).message.hit === 1, hit, c.slice(0, 40));
      }
    }
  });
  it('a condition past 10,000 characters is refused with its position, not a stack trace', () => {
    const c = compileText(rule(Array(2000).fill('a is true').join(' AND ')));
    assert.ok(hasErrors(c.diagnostics));
    assert.match(renderText(c.diagnostics), /^rules\.yaml:3:17: error WB2005: condition of 27995 characters is longer than 10000/m);
  });
});

/* A condition written in many rules is parsed once (the parse stage shares it); each rule still gets its findings at its own place. */
describe('a condition repeated in many rules', () => {
  const rules = (condition: string, n: number) => ['rules:', ...Array.from({ length: n }, (_, i) => `  - name: r${i}\n    condition: ${condition}`)].join('\n') + '\n';

  it('is found wrong at every place it is written', () => {
    const c = compileText(rules('subject equals', 3));
    assert.deepEqual(
      c.diagnostics.map((d) => `${d.primary.span.file.position(d.primary.span.start).line + 1} ${d.code}`),
      ['3 WB2001', '5 WB2001', '7 WB2001'],
    );
  });

  it('has the warnings of its regex at every place it is written, once each', () => {
    const c = compileText(rules('subject matches x\\Uy OR body matches x\\Uy', 3));
    const lines = c.diagnostics.map((d) => d.primary.span.file.position(d.primary.span.start));
    assert.equal(new Set(c.diagnostics.map((d) => d.code)).size, 1, renderText(c.diagnostics));
    assert.deepEqual(
      lines.map((l) => `${l.line + 1}:${l.col + 1}`),
      ['3:33', '3:54', '5:33', '5:54', '7:33', '7:54'],
    );
  });

  it('is read alike in every rule, whose ASTs stay apart from the text around them', () => {
    const c = compileText(rules('noforward is false', 4) + '  - name: other\n    condition: noforward is false AND x is true\n');
    assert.equal(c.diagnostics.length, 0, renderText(c.diagnostics));
    const asts = c.tree!.rules.map((r) => r.condition!.ast!);
    assert.ok(asts.slice(1, 4).every((a) => a === asts[0]), 'one parse for one text');
    assert.notEqual(asts[4], asts[0]);
  });
});
