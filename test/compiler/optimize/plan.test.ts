import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planTree, type Step } from '../../../compiler/optimize/plan.js';
import { unparse } from '../../../grammar/unparse.js';
import { compileText } from '../../helpers.js';

/* The optimize stage's plan, read as text: which rules run, in what order, tested how. */

/** show is a plan as lines: `name cond [last_rule?]` for a rule, `dispatch field` with its cases for a lookup. */
function show(steps: readonly Step[], indent = ''): string[] {
  return steps.flatMap((s) => {
    const check = s.checkLastRule ? ' [last_rule?]' : '';
    if (s.kind === 'dispatch') {
      return [`${indent}dispatch ${s.field}${check}`, ...s.cases.flatMap((c) => [`${indent}  = ${c.value}`, ...show(c.steps, `${indent}    `)])];
    }
    return [`${indent}${s.rule.name}${s.cond ? ` if ${unparse(s.cond)}` : ''}${check}`, ...show(s.children, `${indent}  `)];
  });
}

function plan(rules: string, optimize = true): string[] {
  const c = compileText(`rules:\n${rules}`, { until: 'check' });
  assert.deepEqual(c.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
  return show(planTree(c.tree!, optimize).steps);
}

const equalsRun = (field: string, values: string[]) => values.map((v, i) => `  - { name: r${i}, condition: ${field} equals ${v}, plugin: SetField, config: { field: hit, value: ${v} } }`).join('\n') + '\n';

describe('optimize/plan', () => {
  it('dispatches three or more sibling `equals` tests of one field by one lookup, cases in order of first appearance', () => {
    assert.deepEqual(plan(equalsRun('key', ['a', 'b', 'a'])), ['dispatch key', '  = a', '    r0', '    r2', '  = b', '    r1']);
    // two are tested one after the other: a lookup does not pay for itself
    assert.deepEqual(plan(equalsRun('key', ['a', 'b'])), ['r0 if key equals a', 'r1 if key equals b']);
  });

  it('does not dispatch on a field a rule of the run may write, nor on last_rule', () => {
    const writes = equalsRun('key', ['a', 'b']) + '  - { name: w, condition: key equals c, plugin: SetField, config: { field: key, value: b } }\n';
    assert.deepEqual(plan(writes), ['r0 if key equals a', 'r1 if key equals b', 'w if key equals c']);
    const lastRule = ['0', '1', '2'].map((v) => `  - { name: l${v}, condition: last_rule equals ${v} }`).join('\n') + '\n';
    assert.ok(!plan(lastRule).some((l) => l.startsWith('dispatch')));
  });

  it('drops rules that never fire and the tests of conditions that always hold', () => {
    const rules = '  - { name: never, condition: FALSE, plugin: SetField, config: { field: x, value: 1 } }\n  - { name: always, condition: TRUE OR x is true, plugin: SetField, config: { field: y, value: 1 } }\n';
    assert.deepEqual(plan(rules), ['always']);
  });

  it('tests last_rule only after a rule that may have set it, and stops after one that surely does', () => {
    const rules = [
      '  - { name: a, condition: x is true, plugin: SetField, config: { field: y, value: 1 } }',
      '  - { name: b, condition: x is true, last_rule: 1 }',
      '  - { name: c, condition: x is true }',
      '  - { name: stop, last_rule: 1 }',
      '  - { name: after }',
    ].join('\n');
    assert.deepEqual(plan(rules + '\n'), ['a if x is true', 'b if x is true', 'c if x is true [last_rule?]', 'stop [last_rule?]']);
  });

  it('children start with last_rule false and are planned like the top level', () => {
    const rules = '  - name: parent\n    condition: x is true\n    rules:\n' + equalsRun('status', ['OK', 'WARN', 'CRITICAL']).replace(/^ {2}/gm, '      ');
    assert.deepEqual(plan(rules), ['parent if x is true', '  dispatch status', '    = OK', '      r0', '    = WARN', '      r1', '    = CRITICAL', '      r2']);
  });

  it('not optimized, is the tree as written: every rule, every condition, last_rule tested before each', () => {
    const rules = '  - { name: never, condition: FALSE }\n' + equalsRun('key', ['a', 'b', 'c']) + '  - { name: stop, last_rule: 1 }\n  - { name: after }\n';
    assert.deepEqual(plan(rules, false), ['never if FALSE [last_rule?]', 'r0 if key equals a [last_rule?]', 'r1 if key equals b [last_rule?]', 'r2 if key equals c [last_rule?]', 'stop [last_rule?]', 'after [last_rule?]']);
  });
});
