import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasErrors } from '../../grammar/diagnostics/diagnostic.js';
import { renderText } from '../../compiler/diagnostics/render.js';
import { readFastYaml } from '../../grammar/yaml-fast.js';
import { perlPlainScalar } from '../../grammar/plain-scalar.js';
import { readPerlYaml } from '../../grammar/yaml-source.js';
import type { Message } from '../../runtime/pipeline-api.js';
import { decodeBody, encodeBody } from '../../runtime/xmpp/wire.js';
import { compileText, pipelinesFor, runOn } from '../helpers.js';

/*
 * Rule files and message bodies are read as the original's YAML::XS reads
 * them (forms checked against libyaml-libyaml-perl 0.86), and anchors and
 * aliases are plain YAML.
 */

async function run(rules: string, m: Message): Promise<unknown> {
  const p = await pipelinesFor(rules);
  const out = runOn(p.interpreted, m);
  assert.deepEqual(runOn(p.optimized, m), out);
  assert.deepEqual(runOn(p.literal, m), out);
  return (out as { message: unknown }).message;
}

describe('scalars as YAML::XS reads them', () => {
  it('only ~, null, empty, true and false are not text; numbers only where Perl prints them so', () => {
    const table: [string, unknown][] = [
      ['~', null], ['null', null], ['', null], ['true', true], ['false', false],
      ['5', 5], ['-3', -3], ['2.5', 2.5], ['0.1', 0.1], ['1e+20', 1e20], ['0', 0],
      ['True', 'True'], ['FALSE', 'FALSE'], ['Null', 'Null'], ['NULL', 'NULL'], ['yes', 'yes'], ['off', 'off'],
      ['0x1F', '0x1F'], ['017', '017'], ['0o17', '0o17'], ['00', '00'], ['1.50', '1.50'], ['1.0', '1.0'], ['+1', '+1'],
      ['-0', '-0'], ['.5', '.5'], ['5.', '5.'], ['1e3', '1e3'], ['1_000', '1_000'], ['.inf', '.inf'], ['.nan', '.nan'],
      ['Inf', 'Inf'], ['NaN', 'NaN'], ['0 but true', '0 but true'],
    ];
    for (const [text, want] of table) assert.deepEqual(perlPlainScalar(text), want, text);
  });

  it('quoting keeps text, keys are Perl text, tags as YAML::XS has them', () => {
    const r = readPerlYaml("a: '5'\nb: \"true\"\ntrue: 1\n~: 2\n1.50: x\nc: !!str 5\nd: !!int 5\ne: !!float 1.50\nf: !!null x\n<<: { m: 1 }\n");
    assert.ok('value' in r);
    assert.deepEqual(r.value, { a: '5', b: 'true', 1: 1, '': 2, '1.50': 'x', c: '5', d: 5, e: '1.50', f: null, '<<': { m: 1 } });
    const bad = readPerlYaml('v: !!bool true\n');
    assert.ok('problem' in bad && /refuses the tag/.test(bad.problem.message));
  });

  it('XMPP bodies too', () => {
    const body = Buffer.from(Buffer.from('---\nx: True\ny: 017\nz: 2.5\nw: true\n', 'utf8').toString('latin1'), 'utf8').toString('base64');
    assert.deepEqual({ ...decodeBody(body) }, { x: 'True', y: '017', z: 2.5, w: true });
    assert.deepEqual({ ...decodeBody(encodeBody({ a: '1.50', b: 'null', c: 5 })) }, { a: '1.50', b: 'null', c: 5 });
  });
});

describe('rule files as the original reads them', () => {
  it('a value, a lookup key and a field name keep their YAML::XS text', async () => {
    const rules = `rules:
  - name: 017
    plugin: SetField
    config: { set: { a: True, b: 1.50, c: 0x1F, d: ~, e: true, 017: x } }
  - name: lookup
    plugin: HashLookup
    config: { source_field: k, target_field: out, lookup: { true: yes, 017: oct, 1.50: dec } }
`;
    assert.deepEqual(await run(rules, { k: '1' }), { a: 'True', b: '1.50', c: '0x1F', d: null, e: true, '017': 'x', k: '1', out: 'yes', wubot_rulelog: ['h:017', 'h:lookup'] });
    assert.equal(((await run(rules, { k: '017' })) as Message).out, 'oct');
    assert.equal(((await run(rules, { k: 15 })) as Message).out, undefined);
  });

  it('condition: true is the text 1, which never holds; a Perl-false condition is none', async () => {
    const rules = (c: string): string => `rules:\n  - name: r\n    condition: ${c}\n    plugin: SetField\n    config: { field: hit, value: 1 }\n`;
    assert.equal(((await run(rules('true'), {})) as Message).hit, undefined);
    assert.equal(((await run(rules('TRUE'), {})) as Message).hit, 1);
    for (const none of ['0', "''", '~', 'false']) {
      const c = compileText(rules(none));
      assert.ok(!hasErrors(c.diagnostics), none);
      assert.match(renderText(c.diagnostics), /warning WB2002: condition .* is false to Perl/);
      assert.equal(((await run(rules(none), {})) as Message).hit, 1, none);
    }
  });

  it('a plugin gets Perl text where it takes a string; SetField without a value writes null', async () => {
    const rules = `rules:
  - name: t
    plugin: TransformField
    config: { source_field: b, regexp_search: 5, regexp_replace: 1.50 }
  - name: z
    plugin: TransformField
    config: { source_field: b, regexp_search: 0, regexp_replace: x }
  - name: s
    plugin: SetField
    config: { field: false, value: 5 }
  - name: n
    plugin: SetField
    config: { field: out }
`;
    assert.ok(!hasErrors(compileText(rules).diagnostics), renderText(compileText(rules).diagnostics));
    // the pattern 0 is the text "0", which is false to Perl: that TransformField does nothing
    assert.deepEqual(await run(rules, { b: 'a5b0' }), { b: 'a1.50b0', '': 5, out: null, wubot_rulelog: ['h:t', 'h:z', 'h:s', 'h:n'] });
  });

  it('last_rule is the Perl truth of its value', async () => {
    const rules = (v: string): string => `rules:\n  - name: a\n    last_rule: ${v}\n  - name: b\n`;
    for (const stops of ['no', 'off', '"false"', '0.0', '00']) assert.deepEqual(((await run(rules(stops), {})) as Message).wubot_rulelog, ['h:a'], stops);
    for (const goes of ['false', '0', "''", '~']) assert.deepEqual(((await run(rules(goes), {})) as Message).wubot_rulelog, ['h:a', 'h:b'], goes);
  });
});

describe('the original reactor\'s order of things', () => {
  it('a parent\'s plugin runs after its children and may clear the last_rule they set: later rules run (and lint does not call them unreachable)', async () => {
    const tree = (plugin: string): string => `rules:\n  - name: p\n    rules:\n      - name: c\n        last_rule: 1\n    ${plugin}\n  - name: next\n`;
    for (const plugin of ['plugin: DeleteField\n    config: {field: last_rule}', 'plugin: SetField\n    config: {field: last_rule, value: 0}', 'plugin: CopyField\n    config: {source_field: nope, target_field: last_rule}']) {
      assert.deepEqual(((await run(tree(plugin), {})) as Message).wubot_rulelog, ['h:p', 'h:c', 'h:next'], plugin);
      assert.deepEqual(compileText(tree(plugin)).diagnostics.map((d) => d.message), [], plugin);
    }
    // a plugin that cannot touch last_rule leaves the stop in place
    const kept = tree('plugin: SetField\n    config: {field: x, value: 1}');
    assert.deepEqual(((await run(kept, {})) as Message).wubot_rulelog, ['h:p', 'h:c']);
    assert.match(compileText(kept).diagnostics.map((d) => d.message).join('\n'), /`next` can never run/);
  });

  it('\\Q…\\E and \\U, \\L, \\u, \\l in a regex are plain letters as in the original, and lint says so', async () => {
    const rules = 'rules:\n  - name: q\n    condition: x matches \\Qa.b\\E OR y matches \\\\Q\n    plugin: TransformField\n    config: {source_field: z, regexp_search: \'\\Ux\', regexp_replace: b}\n';
    const c = compileText(rules);
    assert.ok(!hasErrors(c.diagnostics));
    assert.deepEqual(c.diagnostics.map((d) => [d.code, d.message]).sort(), [
      ['WB2006', '`\\Q` in regex `\\Qa.b\\E` is the letter Q, as in the original'],
      ['WB2006', '`\\E` in regex `\\Qa.b\\E` is the letter E, as in the original'],
      ['WB2006', '`\\U` in regex `\\Ux` is the letter U, as in the original'],
    ].sort());
    assert.deepEqual(((await run(rules, { x: 'QaxbE', z: 'Ux' })) as Message).z, 'b');
    assert.equal(((await run(rules, { x: 'a.b' })) as Message).wubot_rulelog, undefined);
  });

  it('a plugin config key holding null is refused, saying the original takes it as not given', () => {
    const c = compileText('rules:\n  - name: c\n    plugin: CopyField\n    config:\n      source_field: b\n      target_field: ~\n');
    assert.ok(hasErrors(c.diagnostics));
    const text = renderText(c.diagnostics);
    assert.match(text, /`target_field` is null .* which the original takes as not given/);
    assert.match(text, /hint: give `target_field` a value/);
  });

  it('a wubot_rulelog that is not a list is left as it is, as the original leaves it', async () => {
    const rules = 'rules:\n  - name: a\n';
    for (const log of ['x', '', 0, { a: 1 }]) assert.deepEqual(((await run(rules, { wubot_rulelog: log })) as Message).wubot_rulelog, log);
    assert.deepEqual(((await run(rules, { wubot_rulelog: null })) as Message).wubot_rulelog, ['h:a']);
    assert.deepEqual(((await run(rules, {})) as Message).wubot_rulelog, ['h:a']);
  });
});

describe('anchors and aliases are plain YAML', () => {
  it('condition, plugin, name, config and last_rule by alias', async () => {
    const text = `rules:
  - name: &n named
    condition: &c x is true
    plugin: &p SetField
    config: { field: first, value: &one 1 }
    last_rule: &zero 0
  - name: *n
    condition: *c
    plugin: *p
    config: { field: second, value: *one }
    last_rule: *zero
  - name: after
    plugin: *p
    config: { field: third, value: *one }
`;
    const c = compileText(text);
    assert.ok(!hasErrors(c.diagnostics), renderText(c.diagnostics));
    assert.deepEqual(await run(text, { x: 1 }), { x: 1, first: 1, second: 1, third: 1, wubot_rulelog: ['h:named', 'h:named', 'h:after'] });
    assert.deepEqual(await run(text, { x: 0 }), { x: 0, third: 1, wubot_rulelog: ['h:after'] });
  });

  it('diagnostics inside an aliased condition point at the anchored text', () => {
    const c = compileText('rules:\n  - name: a\n    condition: &c x matches (y\n  - name: b\n    condition: *c\n');
    assert.match(renderText(c.diagnostics), /^rules\.yaml:3:29: error WB3002/m);
  });

  it('an anchor used 101 times is fine; an alias bomb is refused at its line and column', () => {
    const many = `rules:\n  - name: a\n    condition: &c x is true\n${'  - name: b\n    condition: *c\n'.repeat(101)}`;
    assert.ok(!hasErrors(compileText(many).diagnostics));
    const names = 'abcdefg';
    const levels = [`        a: &a [${Array(10).fill('x').join(', ')}]`];
    for (let i = 1; i < 7; i++) levels.push(`        ${names[i]}: &${names[i]} [${Array(10).fill(`*${names[i - 1]}`).join(', ')}]`);
    const bomb = `rules:\n  - name: x\n    plugin: SetField\n    config:\n      set:\n${levels.join('\n')}\n`;
    const c = compileText(bomb);
    assert.ok(hasErrors(c.diagnostics));
    assert.match(renderText(c.diagnostics), /^rules\.yaml:10:52: error WB1001: aliases expand this document past 100000 nodes/m);
    assert.equal(readFastYaml('rules.yaml', bomb), undefined);
    // only what aliases add counts: a big file written out, with an anchor in it, is no bomb
    const big = `rules:\n  - name: a\n    condition: &c x is true\n${'  - { name: b, condition: *c, plugin: SetField, config: { set: { a: 1, b: 2 } } }\n'.repeat(20_000)}`;
    assert.deepEqual(compileText(big).diagnostics.map((d) => d.message), []);
    const loop = compileText('rules: &x [*x]\n');
    assert.match(renderText(loop.diagnostics), /^rules\.yaml:1:12: error WB1001: alias `\*x` lies inside its own anchor/m);
    const nowhere = compileText('rules: *nope\n');
    assert.match(renderText(nowhere.diagnostics), /^rules\.yaml:1:8: error WB1001: alias `\*nope` refers to no anchor/m);
  });
});
