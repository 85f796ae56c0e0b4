import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { bigTree } from '../bench/big-tree.js';
import { loopsTree } from '../bench/loops.js';
import type { RuleNode } from '../compiler/rule-tree.js';
import { fastRuleTree } from '../compiler/stages/fast-load.js';
import { loadRuleTreeFully } from '../compiler/stages/load.js';
import { repoRoot, tempDir } from './helpers.js';

/* The fast reader must give exactly the load stage's tree, or step aside. */
function shape(rules: readonly RuleNode[]): unknown {
  return rules.map((r) => ({
    id: r.id,
    name: r.name,
    span: [r.span.start, r.span.end],
    condition: r.condition && { text: r.condition.text, offsets: r.condition.offsets },
    plugin: r.plugin && { name: r.plugin.name, span: [r.plugin.span.start, r.plugin.span.end], config: r.plugin.config, def: r.plugin.def?.name },
    lastRule: r.lastRule,
    children: shape(r.children),
  }));
}

/** same compares the two readers on one text; it says whether the fast one read it. */
function same(text: string): boolean {
  const fast = fastRuleTree('rules.yaml', text);
  if (!fast) return false;
  const full = loadRuleTreeFully('rules.yaml', text);
  assert.deepEqual(full.diagnostics.map((d) => d.message), [], `the fast reader read a file the load stage reports on:\n${text}`);
  assert.deepEqual(shape(fast.rules), shape(full.tree.rules), text);
  return true;
}

describe('fast rule-file reader', () => {
  it('reads the examples and generated trees exactly as the load stage does', () => {
    const config = loopsTree(tempDir(), 2, 30);
    assert.ok(same(readFileSync(join(config, 'reactor.yaml.h0'), 'utf8')), 'the generated tree was not read the fast way');
    // these have nested config maps: the fast reader may step aside, but must not read them differently
    assert.ok(same(bigTree(30)), 'the benchmark tree (flow-mapping rules, nested config maps, quoted conditions) was not read the fast way');
    for (const f of ['examples/config/reactor.yaml', 'examples/seed/config/reactor.yaml.central', 'examples/seed/config/reactor.yaml.laptop']) same(readFileSync(join(repoRoot, f), 'utf8'));
  });

  it('agrees with the load stage on random rule files, or steps aside', () => {
    const word = fc.stringMatching(/^[A-Za-z][A-Za-z0-9 _.'-]{0,10}$/);
    const value = fc.oneof(
      word,
      fc.integer({ min: -99, max: 999 }),
      fc.constantFrom('true', '~', '1.5', '0x1F', "it's", 'a: b', 'x # y', '"q"', "'s'", ''),
      fc.constantFrom('True', 'false', 'null', 'Null', '1.50', '017', '1e3', '+1', '-0', '.inf', 'yes'),
    );
    const quote = (s: string, style: number) => (style === 0 ? s : style === 1 ? `'${s.replace(/'/g, "''")}'` : `"${s.replace(/\\/g, '\\\\')}"`);
    const leaf = fc.record({
      name: word,
      nameStyle: fc.integer({ min: 0, max: 2 }),
      condition: fc.option(
        fc.oneof(
          { weight: 4, arbitrary: fc.constantFrom('key equals x', "subject matches ^a'b", 'noforward is false', 'load01 >= 4 AND key matches ^Up', 'contains x') },
          fc.constantFrom('title imatches \\bdown\\b OR x is true', '( a is true OR b is true ) AND NOT c is false', 'x matches a,b', 'x matches {2}', 'u matches http://x'),
          fc.constantFrom('0', 'true', 'TRUE', '~', 'x == 1'),
        ),
        { nil: undefined },
      ),
      condStyle: fc.integer({ min: 0, max: 2 }),
      plugin: fc.constantFrom('SetField', 'DeleteField', 'MessageQueue', 'Console'),
      field: fc.oneof({ weight: 9, arbitrary: word }, fc.constantFrom('true', 'null', '017')),
      value,
      flow: fc.boolean(),
      flowRule: fc.boolean(),
      nested: fc.boolean(),
      comment: fc.boolean(),
      last: fc.boolean(),
    });
    type Leaf = typeof leaf extends fc.Arbitrary<infer T> ? T : never;
    let read = 0;
    fc.assert(
      fc.property(fc.array(fc.tuple(leaf, fc.array(leaf, { maxLength: 2 })), { minLength: 1, maxLength: 4 }), (items) => {
        const ruleText = (r: Leaf, indent: string, kids: boolean): string[] => {
          const config =
            r.plugin === 'SetField' ? [['field', r.field], ['value', r.value]] : r.plugin === 'DeleteField' ? [['field', r.field]] : r.plugin === 'MessageQueue' ? [['directory', r.field]] : [];
          if (r.plugin === 'SetField' && r.nested) config.splice(0, 2, ['set', `{ ${r.field}: ${r.value}, b: { c: 1 } }`]);
          const flowConfig = `{ ${config.map(([k, v]) => `${k}: ${v}`).join(', ')} }`;
          if (r.flowRule && !kids) {
            const keys = [`name: ${quote(r.name, r.nameStyle)}`];
            if (r.condition) keys.push(`condition: ${quote(r.condition, r.condStyle)}`);
            keys.push(`plugin: ${r.plugin}`);
            if (config.length) keys.push(`config: ${flowConfig}`);
            if (r.last) keys.push('last_rule: 1');
            return [`${indent}- { ${keys.join(', ')} }${r.comment ? '   # note' : ''}`];
          }
          const out = [`${indent}- name: ${quote(r.name, r.nameStyle)}${r.comment ? '   # note' : ''}`];
          if (r.condition) out.push(`${indent}  condition: ${quote(r.condition, r.condStyle)}`);
          out.push(`${indent}  plugin: ${r.plugin}`);
          if (config.length && r.flow) out.push(`${indent}  config: ${flowConfig}`);
          else if (config.length) out.push(`${indent}  config:`, ...config.map(([k, v]) => `${indent}    ${k}: ${v}`));
          if (r.last) out.push(`${indent}  last_rule: 1`);
          return out;
        };
        const lines = ['rules:'];
        for (const [parent, kids] of items) {
          lines.push(...ruleText(parent, '  ', kids.length > 0));
          if (kids.length) lines.push('    rules:', ...kids.flatMap((k) => ruleText(k, '      ', false)));
        }
        if (same(lines.join('\n') + '\n')) read++;
      }),
      { numRuns: 300 },
    );
    assert.ok(read > 60, `the fast reader read only ${read} of 300`);
  });
});
