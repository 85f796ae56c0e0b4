import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { bigTree } from '../../bench/big-tree.js';
import { loopsTree } from '../../bench/loops.js';
import { readFastYaml } from '../../grammar/yaml-fast.js';
import { nodeSpan, type YamlDocument, type YamlNode } from '../../grammar/yaml-nodes.js';
import { readYamlDocument } from '../../grammar/yaml-source.js';
import { compileText, repoRoot, tempDir } from '../helpers.js';

/* The fast reader must give exactly the full reader's document, or step aside. */

/** shape is a node as the tree builder and the validate stage see it: values, styles, offsets, and where findings are shown. */
function shape(doc: YamlDocument, node: YamlNode | null): unknown {
  if (node === null) return null;
  const at = nodeSpan(doc.file, node);
  const where = [at.start, at.end];
  if (node.kind === 'scalar') return { value: node.value, style: node.style, source: node.source, range: [node.start, node.end], offsets: node.offsets(), where };
  if (node.kind === 'seq') return { seq: node.items.map((i) => shape(doc, i)), where };
  return { map: node.pairs.map((p) => [shape(doc, p.key), shape(doc, p.value)]), where };
}

/** same compares the two readers on one text; it says whether the fast one read it. */
function same(text: string): boolean {
  const fast = readFastYaml('f.yaml', text);
  if (!fast) return false;
  const full = readYamlDocument('f.yaml', text);
  assert.deepEqual(full.diagnostics.map((d) => d.message), [], `the fast reader read a file the full reader reports on:\n${text}`);
  assert.deepEqual(shape(fast, fast.root), shape(full.doc, full.doc.root), text);
  return true;
}

const word = fc.stringMatching(/^[A-Za-z][A-Za-z0-9 _.'-]{0,10}$/);
const scalar = fc.oneof(
  word,
  fc.integer({ min: -99, max: 999 }).map(String),
  fc.constantFrom('true', '~', '1.5', '0x1F', "it's", 'a: b', 'x # y', '"q"', "'s'", '', 'http://x/y', '- x', '-x', '[a]', '{}', '&a', '*a', '!x'),
  fc.constantFrom('True', 'false', 'null', 'Null', '1.50', '017', '1e3', '+1', '-0', '.inf', 'yes', 'x:y', 'a\\b', 'tab\there'),
);
const quote = (s: string, style: number) => (style === 0 ? s : style === 1 ? `'${s.replace(/'/g, "''")}'` : `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
const key = fc.oneof({ weight: 6, arbitrary: fc.stringMatching(/^[a-z_][a-z0-9_]{0,6}$/) }, fc.constantFrom('true', 'null', 'y', '__proto__', 'on', '1', 'a b', 'rules'));

type Value = { scalar: string; style: number } | { map: [string, Value][]; flow: boolean } | { seq: Value[] };
const value: fc.Arbitrary<Value> = fc.letrec<{ v: Value }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 4, arbitrary: fc.record({ scalar, style: fc.integer({ min: 0, max: 2 }) }) },
    fc.record({ map: fc.array(fc.tuple(key, tie('v')), { minLength: 1, maxLength: 3 }), flow: fc.boolean() }),
    fc.record({ seq: fc.array(tie('v'), { minLength: 1, maxLength: 3 }) }),
  ),
})).v;

/** flow writes a value on one line, or gives undefined for one that cannot be (a list). */
function flow(v: Value): string | undefined {
  if ('scalar' in v) return quote(v.scalar, v.style);
  if ('seq' in v) return undefined;
  const parts = v.map.map(([k, x]) => {
    const f = flow(x);
    return f === undefined ? undefined : `${k}: ${f}`;
  });
  return parts.includes(undefined) ? undefined : `{ ${parts.join(', ')} }`;
}

/** block writes `key:` and its value at an indentation, in block style where the value is a collection. */
function block(k: string, v: Value, indent: string, sameColumnList: boolean, comment: boolean): string[] {
  const note = comment ? '   # note' : '';
  const f = 'map' in v && v.flow ? flow(v) : 'scalar' in v ? flow(v) : undefined;
  if (f !== undefined) return [`${indent}${k}: ${f}${note}`];
  if ('map' in v) return [`${indent}${k}:${note}`, ...v.map.flatMap(([k2, x]) => block(k2, x, `${indent}  `, sameColumnList, comment))];
  const inner = sameColumnList ? indent : `${indent}  `;
  return [`${indent}${k}:`, ...(v as { seq: Value[] }).seq.flatMap((x) => item(x, inner, sameColumnList, comment))];
}

function item(v: Value, indent: string, sameColumnList: boolean, comment: boolean): string[] {
  if ('map' in v && !v.flow) {
    const lines = v.map.flatMap(([k, x]) => block(k, x, `${indent}  `, sameColumnList, comment));
    return [`${indent}- ${lines[0].trimStart()}`, ...lines.slice(1)];
  }
  const f = flow(v);
  if (f !== undefined) return [`${indent}- ${f}`];
  return [`${indent}- x`];
}

describe('fast YAML reader', () => {
  it('reads the examples and generated trees exactly as the full reader does', () => {
    const config = loopsTree(tempDir(), 2, 30);
    assert.ok(same(readFileSync(join(config, 'reactor.yaml.h0'), 'utf8')), 'the generated tree was not read the fast way');
    assert.ok(same(bigTree(30)), 'the benchmark tree (flow-mapping rules, nested config maps, quoted conditions) was not read the fast way');
    let read = 0;
    const dirs = ['examples/config', 'examples/seed/config', 'test/cases/diagnostics', 'test/cases/loops'];
    const files = (dir: string): string[] =>
      readdirSync(join(repoRoot, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : /\.ya?ml/.test(e.name) ? [join(dir, e.name)] : []));
    for (const f of dirs.flatMap(files)) if (same(readFileSync(join(repoRoot, f), 'utf8'))) read++;
    assert.ok(read > 20, `the fast reader read only ${read} of the examples and cases`);
  });

  it('agrees with the full reader on random documents, or steps aside', () => {
    let read = 0;
    fc.assert(
      fc.property(fc.array(fc.tuple(key, value), { minLength: 1, maxLength: 4 }), fc.boolean(), fc.boolean(), (top, sameColumnList, comment) => {
        const text = top.flatMap(([k, v]) => block(k, v, '', sameColumnList, comment)).join('\n') + '\n';
        if (same(text)) read++;
      }),
      { numRuns: 400 },
    );
    assert.ok(read > 120, `the fast reader read only ${read} of 400`);
  });

  it('reads the line endings, comments and quoting rule files are written with as the full reader does', () => {
    for (const text of [
      'rules:\r\n  - name: a\r\n    condition: x is true\r\n',
      'rules:\n  - name: a\n    condition: x is true',
      '# rules\n\nrules:   # the list\n\n  # first\n  - name: a   \n\n    plugin: Console  # say it\n',
      "rules:\n  - name: 'it''s ''here'''\n    condition: \"title imatches \\\\bdown\\\\b OR x equals \\\"y\\\"\"\n",
      "rules:\n  - { name: 'a''b', condition: \"k matches \\\\d+\", config: { q: '''' } }\n",
      'rules:\n  - name: x\n    config: { a: "", b: \'\' }\n',
    ]) {
      assert.ok(same(text), `the fast reader stepped aside for:\n${text}`);
    }
  });

  it('steps aside for what it does not read', () => {
    for (const text of [
      'rules:\n  - name: a\n    condition: x is true\n      AND y is true\n',
      'rules:\n  - name: a\n    name: b\n',
      'rules:\n  - name: a\n    condition: |\n      x is true\n',
      'rules:\n  - name: &n a\n',
      'rules:\n- name: a\n  config:\n',
      'rules: [ { name: a } ]\n',
      'rules:\n  - name: "a\\tb"\n',
      '---\nrules:\n  - name: a\n',
      'rules:\n  -  name: a\n',
      'rules:\n  - name: a\n   plugin: Console\n',
      'rules:\n\t- name: a\n',
      'rules:\n  - name: "a\\nb"\n',
      "rules:\n  - name: 'a\n",
      'rules:\n  - { name: "a\\u0041" }\n',
    ]) {
      assert.equal(readFastYaml('f.yaml', text), undefined, text);
    }
  });

  it('a file the fast reader reads gets the same findings as one the full reader reads', () => {
    // the same rules, once in the usual style and once with an anchor (which only the full reader reads)
    const rules = ['  - name: a', '    plugin: SetFeld', '    config: { field: x }', '  - name: b', '    condition: 0', '    plugin: MessageQueue', '    config:', '      directory: 7', '      bogus: 1'];
    const usual = `rules:\n${rules.join('\n')}\n`;
    const anchored = usual.replace('name: a', 'name: &n a');
    assert.ok(readFastYaml('rules.yaml', usual) && !readFastYaml('rules.yaml', anchored));
    const render = (t: string) => compileText(t).diagnostics.map((d) => `${d.code} ${d.primary.span.start} ${d.message}`).sort();
    const fast = render(usual);
    assert.deepEqual(fast.map((d) => d.split(' ')[0]), ['WB2002', 'WB3001', 'WB5003']);
    assert.deepEqual(render(anchored).map((d) => d.replace(/ \d+ /, ' ')), fast.map((d) => d.replace(/ \d+ /, ' ')));
  });
});
