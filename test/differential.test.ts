import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { hasErrors } from '../grammar/diagnostics/diagnostic.js';
import { runTree } from '../compiler/loops/abstract-rules.js';
import { unreachableRules } from '../compiler/reachability.js';
import { walkRules } from '../compiler/rule-tree.js';
import { fieldsRead } from '../grammar/ast.js';
import { describes, factsOf, fields, message, rules, type Rule } from './arbitraries.js';
import { compileText, pipelinesFor, runOn } from './helpers.js';

/*
 * Random rule trees and messages through the reference interpreter and the
 * compiled module, optimized and not: all three must agree on every message.
 * The loop check's model of the tree, run from what is known of the
 * message, may know less, but what it knows at the end must be so: some run
 * of the model ends with facts the interpreted message bears out. A rule the
 * unreachable check gives up on must never run.
 */

/** uniquelyNamed names every rule apart, so that the rule log tells which ran. */
function uniquelyNamed(rules: readonly Rule[], next = { n: 0 }): Rule[] {
  return rules.map((r) => ({ ...r, name: `${r.name}${next.n++}`, ...(r.rules ? { rules: uniquelyNamed(r.rules, next) } : {}) }));
}
describe('compiled and interpreted rule trees agree, and the loop model is sound for them', () => {
  it('on random trees and messages', async () => {
    const seen = { dispatch: 0, memo: 0, fieldReset: 0, followed: 0, unreachable: 0 };
    await fc.assert(
      fc.asyncProperty(rules, fc.array(fc.tuple(message, fc.subarray(fields)), { minLength: 1, maxLength: 12 }), async (tree, cases) => {
        const text = JSON.stringify({ rules: uniquelyNamed(tree) });
        const c = compileText(text);
        fc.pre(!hasErrors(c.diagnostics));
        if (c.code?.includes('switch (')) seen.dispatch++;
        if (c.code?.includes('let t0 = 0')) seen.memo++;
        // a field's text or number kept from an earlier test, forgotten where a rule may change the field
        if (c.code && /^\s+f\d+ = null;$/m.test(c.code)) seen.fieldReset++;
        const relevant = new Set(['last_rule']);
        walkRules(c.tree!.rules, (r) => r.condition?.ast && fieldsRead(r.condition.ast, relevant));
        const unreachable = new Set(unreachableRules(c.tree!.rules).map((u) => `h:${u.rule.name}`));
        if (unreachable.size) seen.unreachable++;
        const p = await pipelinesFor(text);
        for (const [m, known] of cases) {
          const expected = runOn(p.interpreted, m);
          assert.deepEqual(runOn(p.optimized, m), expected, `optimized differs on ${JSON.stringify(m)}`);
          assert.deepEqual(runOn(p.literal, m), expected, `unoptimized differs on ${JSON.stringify(m)}`);
          if (expected.error !== undefined) continue;
          const ran = (expected.message.wubot_rulelog ?? []) as string[];
          assert.deepEqual(ran.filter((r) => unreachable.has(r)), [], 'rules the unreachable check gave up on ran');
          const start = factsOf(m, [...known, 'last_rule'].filter((k) => relevant.has(k)));
          const { runs } = runTree(c.tree!, { facts: start, guards: [] }, relevant);
          const end = runs.find((r) => describes(r.facts, expected.message));
          const model = JSON.stringify(runs.map((r) => [...r.facts]));
          assert.ok(end, `no run of the model from ${JSON.stringify([...start])} ends as ${JSON.stringify(expected.message)}: ${model}`);
          if (end.facts.size > 1) seen.followed++;
        }
      }),
      { numRuns: 200 },
    );
    // the trees must exercise the optimizations and the model, or agreeing proves little
    assert.ok(seen.dispatch >= 10 && seen.memo >= 10 && seen.fieldReset >= 10, `dispatch in ${seen.dispatch} trees, memo in ${seen.memo}, a kept field forgotten in ${seen.fieldReset}`);
    assert.ok(seen.followed >= 50, `the model followed fields to the end in ${seen.followed} runs`);
    assert.ok(seen.unreachable >= 10, `unreachable rules in ${seen.unreachable} trees`);
  });
});
