import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { applyPlugin } from '../../compiler/loops/abstract-rules.js';
import { ABSENT, type Known } from '../../compiler/loops/abstract-message.js';
import { createRuntime } from '../../apps/wubot/host.js';
import { truthy } from '../../grammar/perl-values.js';
import { reactorPlugins } from '../../stdlib/index.js';
import { changedFields, type PluginDef, type PluginExample } from '../../stdlib/plugin.js';
import { filled, lookUp, splitInto } from '../../stdlib/field-effects.js';
import { compileText, tempDir } from '../helpers.js';
import { hasErrors } from '../../grammar/diagnostics/diagnostic.js';

/**
 * effectProblems says where an example's input and output disagree with the
 * effect its plugin declares for the example's config: a field changed that
 * the effect does not name, or a declared set, delete or copy that did not
 * happen as declared. The optimizer and the loop analysis trust the effect.
 */
export function effectProblems(def: PluginDef, ex: PluginExample): string[] {
  const input = JSON.parse(JSON.stringify(ex.input)) as Record<string, unknown>;
  const output = ex.output as Record<string, unknown>;
  const e = def.effect(ex.config);
  const problems: string[] = [];
  const declared = changedFields(e);
  const keys = new Set([...Object.keys(input), ...Object.keys(output)]);
  for (const k of keys) {
    const changed = Object.hasOwn(input, k) !== Object.hasOwn(output, k) || !isDeepStrictEqual(input[k], output[k]);
    if (changed && declared !== 'any' && !declared.includes(k)) problems.push(`changes \`${k}\`, which its effect does not declare`);
  }
  for (const s of e.sets ?? []) {
    if (s.unlessTrue && truthy(input[s.field])) continue;
    if (!isDeepStrictEqual(output[s.field], s.value)) problems.push(`\`${s.field}\` is ${JSON.stringify(output[s.field])}, the effect sets ${JSON.stringify(s.value)}`);
  }
  for (const d of e.deletes ?? []) if (Object.hasOwn(output, d)) problems.push(`\`${d}\` is still there, the effect deletes it`);
  for (const c of e.copies ?? []) {
    if (!isDeepStrictEqual(output[c.to], input[c.from] ?? null)) problems.push(`\`${c.to}\` is not a copy of \`${c.from}\``);
  }
  for (const l of e.lookups ?? []) {
    const m = structuredClone(input);
    lookUp(l, m);
    if (!isDeepStrictEqual(output[l.to], m[l.to])) problems.push(`\`${l.to}\` is ${JSON.stringify(output[l.to])}, the lookup gives ${JSON.stringify(m[l.to])}`);
  }
  for (const s of e.splits ?? []) {
    const m = structuredClone(input);
    splitInto(s, m);
    for (const t of s.to) if (!isDeepStrictEqual(output[t], m[t])) problems.push(`\`${t}\` is ${JSON.stringify(output[t])}, the split gives ${JSON.stringify(m[t])}`);
  }
  for (const f of e.fills ?? []) {
    if (output[f.to] !== filled(f, input)) problems.push(`\`${f.to}\` is ${JSON.stringify(output[f.to])}, the fill gives ${JSON.stringify(filled(f, input))}`);
  }
  if (e.queue !== undefined && typeof e.queue !== 'string') problems.push('the queue is not a directory name');
  return problems;
}

/** loopModelProblems says where the loop analysis, run from everything known of an example's input, believes something of the output that is not so. */
function loopModelProblems(def: PluginDef, ex: PluginExample): string[] {
  const input = JSON.parse(JSON.stringify(ex.input)) as Record<string, unknown>;
  const output = ex.output as Record<string, unknown>;
  const c = compileText(JSON.stringify({ rules: [{ name: ex.title, plugin: def.name, config: ex.config }] }), { until: 'check' });
  const keys = new Set([...Object.keys(input), ...Object.keys(output)]);
  const start = new Map<string, Known>();
  for (const k of keys) {
    const v = input[k];
    if (!Object.hasOwn(input, k)) start.set(k, ABSENT);
    else if (v === null || typeof v !== 'object') start.set(k, { value: v });
  }
  const after = applyPlugin(c.tree!.rules[0], start, keys);
  const problems: string[] = [];
  for (const [k, known] of after) {
    if ('absent' in known ? Object.hasOwn(output, k) : !isDeepStrictEqual(known.value, output[k])) problems.push(`the loop model takes \`${k}\` for ${JSON.stringify(known)}, it is ${JSON.stringify(output[k])}`);
  }
  return problems;
}

/* Every plugin's documented examples run as tests, and each example config passes the compiler's checks. */
describe('plugin examples', () => {
  const rt = createRuntime({ hostname: 'h', home: tempDir() });
  for (const def of reactorPlugins.values()) {
    describe(def.name, () => {
      it('has a summary, docs and examples', () => {
        assert.ok(def.summary.length > 0 && def.docs.length > 0);
        assert.ok(def.examples.length > 0);
      });
      for (const ex of def.examples) {
        it(ex.title, () => {
          const m = structuredClone(ex.input);
          rt.plugin(def.name, ex.config, ex.title).react(m);
          assert.deepEqual(JSON.parse(JSON.stringify(m)), ex.output);
          const rule = JSON.stringify({ rules: [{ name: ex.title, plugin: def.name, config: ex.config }] });
          const c = compileText(rule, { until: 'check' });
          assert.ok(!hasErrors(c.diagnostics), c.diagnostics.map((d) => d.message).join('\n'));
        });
        it(`${ex.title}: changes only what the declared effect says`, () => {
          assert.deepEqual(effectProblems(def, ex), []);
          assert.deepEqual(loopModelProblems(def, ex), []);
        });
      }
    });
  }
});

describe('plugin behaviour beyond the examples', () => {
  const rt = createRuntime({ hostname: 'h', home: tempDir() });
  const run = (name: string, config: object, m: Record<string, unknown>) => {
    rt.plugin(name, config, 'test').react(m);
    return m;
  };

  it('SetField copies objects so messages never share them', () => {
    const p = rt.plugin('SetField', { field: 'tags', value: ['a'] }, 'tags');
    const m1: Record<string, unknown> = {};
    const m2: Record<string, unknown> = {};
    p.react(m1);
    p.react(m2);
    (m1.tags as string[]).push('b');
    assert.deepEqual(m2.tags, ['a']);
  });

  it('CaptureData matches across lines and ignores a false capture', () => {
    assert.equal(run('CaptureData', { field: 'body', regexp: 'a.(b)' }, { body: 'a\nb' }).body, 'b');
    assert.deepEqual(run('CaptureData', { field: 'x', regexp: '(0)', target_field: 'y' }, { x: '0 0' }), { x: '0 0' });
  });

  it('TransformField puts the replacement text in, then each $n and \\n of the result becomes the n-th capture of all matches, as the original does', () => {
    const t = (s: string, regexp_search: string, regexp_replace: string) => run('TransformField', { source_field: 's', regexp_search, regexp_replace }, { s }).s;
    assert.equal(t('ab', '(a)|(b)', '[$1${2}\\1]'), '[a${2}a][a${2}a]');
    assert.equal(t('a1b2', '(\\d)', '<$1>'), 'a<1>b<1>');
    assert.equal(t('cost $1 or 9', '(\\d)', '<$1>'), 'cost $<1> or <1>');
    assert.equal(t('a, b, c', '(a)|(b)', '<$1>'), '<a>, <a>, c');
    assert.equal(t('now is the time', 't', '$1$1'), 'now is tthe ttime');
    assert.equal(t('test', '(?i)T', '$0'), '$0es$0');
    assert.equal(t('5', '(\\d)', '\\$1'), '\\5');
    assert.equal(t('www.example.com', '^(\\w+)\\..*$', '$1'), 'www');
  });

  it('a missing source is undef, as in the original: CopyField, CleanText and Split write null, TransformField may write text', () => {
    const json = (m: unknown): unknown => JSON.parse(JSON.stringify(m));
    assert.deepEqual(json(run('CopyField', { source_field: 'nope', target_field: 'out' }, {})), { out: null });
    assert.deepEqual(json(run('CleanText', { source_field: 'nope', regexp_search: 'x' }, {})), { nope: null });
    assert.deepEqual(json(run('TransformField', { source_field: 'nope', regexp_search: '^', regexp_replace: 'E' }, {})), { nope: 'E' });
    assert.deepEqual(json(run('TransformField', { source_field: 'nope', regexp_search: 'x', target_field: 'out' }, {})), { out: null });
    assert.deepEqual(json(run('Split', { source_field: 'nope', target_fields: ['a', 'b'] }, {})), { a: null, b: null });
  });

  it('Template gives "" for a list or a map, and a false template field writes nothing; HTMLStrip skips a false field', () => {
    assert.equal(run('Template', { template: '[{$l}] [{$h}] [{$nope}] [{$n}]', target_field: 'out' }, { l: ['x'], h: { a: 1 }, n: 2.5 }).out, '[] [] [] [2.5]');
    assert.deepEqual(run('Template', { source_field: 'tpl', target_field: 'out' }, { tpl: '0' }), { tpl: '0' });
    assert.deepEqual(run('HTMLStrip', { field: 'x' }, { x: '0' }), { x: '0' });
  });

  it('a false pattern does nothing, and CleanText removes across lines (/s)', () => {
    assert.deepEqual(run('TransformField', { source_field: 's', regexp_search: '0', regexp_replace: 'x' }, { s: '101' }), { s: '101' });
    assert.deepEqual(run('CleanText', { source_field: 's', regexp_search: 'a.b' }, { s: 'a\nb!' }), { s: '!' });
  });

  it('Split drops trailing empty parts, as Perl split does', () => {
    const m = run('Split', { source_field: 's', target_fields: ['a', 'b', 'c'] }, { s: 'x,y,,' });
    assert.deepEqual(JSON.parse(JSON.stringify(m)), { s: 'x,y,,', a: null, b: 'x', c: 'y' });
    assert.ok('a' in m);
  });

  it('Template fills only {$name} and never runs code', () => {
    const m = run('Template', { template: '{$a} {$missing} {$a + 1} {`x`}', target_field: 't' }, { a: 'A' });
    assert.equal(m.t, 'A  {$a + 1} {`x`}');
  });

  it('Template rejects placeholders that are not plain names at compile time', () => {
    const c = compileText(JSON.stringify({ rules: [{ name: 't', plugin: 'Template', config: { template: '{$x->{y}}', target_field: 't' } }] }), { until: 'check' });
    assert.ok(c.diagnostics.some((d) => d.code === 'WB5001'));
  });

  it('HTMLStrip drops scripts, styles and comments', () => {
    const m = run('HTMLStrip', { field: 'h', target_field: 't' }, { h: '<script>x()</script><style>p{}</style><!-- c -->Hi &lt;there&gt;' });
    assert.equal(m.t, 'Hi <there>');
  });

  it('HTMLStrip keeps the text\'s own spacing and puts one space where a tag stood between words, as HTML::Strip 2.10 does', () => {
    // each answer as libhtml-strip-perl 2.10 gives it
    const table: [string, string][] = [
      [' ', ' '], ['abc\n', 'abc\n'], ['  a   b  ', '  a   b  '], ['<p>one</p><p>two</p>', 'one two'], ['a <br> b', 'a  b'],
      ['<p>Disk <b>full</b>&nbsp;on&nbsp;web1 &amp; web2</p>', 'Disk full  on web1 & web2'], ['a\n<p>b', 'a\nb'], ['\t<p>\tz', '\t\tz'],
      ['x<br>', 'x'], ['a<br><br>b', 'a b'], ['a<b', 'a'], ['a > b', 'a > b'], ['a < b > c', 'a  c'], ['x<img src="a>b">y', 'x y'],
      ["<p title=\"it's\">z</p>w", 'z w'], ['a<!-- x > y -->b', 'a b'], ['a<!--c', 'a'], ['a<style>x', 'a'], ['a<SCRIPT>x<b>y</b></SCRIPT >b', 'a b'],
      ['<<>>x', '>x'], ['a <b>\n</b> c', 'a \n c'], ['&amp;lt;', '&lt;'], ['a"<b>"c', 'a" "c'],
    ];
    for (const [h, t] of table) assert.equal(run('HTMLStrip', { field: 'h', target_field: 't' }, { h }).t, t, JSON.stringify(h));
  });
});
