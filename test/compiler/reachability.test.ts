import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alwaysStops, firing, unreachableRules } from '../../compiler/reachability.js';
import type { RuleNode } from '../../compiler/rule-tree.js';
import { compileText } from '../helpers.js';

/* Which rules can run: the facts the unreachable-rule warning and the planner stand on. */

function rules(text: string): RuleNode[] {
  const c = compileText(`rules:\n${text}`, { until: 'parse' });
  assert.deepEqual(c.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
  return c.tree!.rules;
}

const one = (rule: string): RuleNode => rules(`  - ${rule}\n`)[0];

describe('reachability', () => {
  it('firing: no condition always, a folded constant always or never, anything else maybe', () => {
    assert.equal(firing(one('{ name: a }')), 'always');
    assert.equal(firing(one('{ name: a, condition: TRUE }')), 'always');
    assert.equal(firing(one('{ name: a, condition: x is true OR TRUE }')), 'always');
    assert.equal(firing(one('{ name: a, condition: FALSE AND x is true }')), 'never');
    assert.equal(firing(one('{ name: a, condition: x is true }')), 'maybe');
    // a condition the parse stage could not read is no constant
    const unparsed = { ...one('{ name: a, condition: x is true }') };
    assert.equal(firing({ ...unparsed, condition: { ...unparsed.condition!, ast: undefined } }), 'maybe');
  });

  it('alwaysStops: a rule that surely fires and surely sets last_rule, itself or by a child its plugin does not undo', () => {
    assert.equal(alwaysStops(one('{ name: a, last_rule: 1 }')), true);
    assert.equal(alwaysStops(one('{ name: a, last_rule: 0 }')), false);
    assert.equal(alwaysStops(one('{ name: a, condition: x is true, last_rule: 1 }')), false);
    const byChild = (plugin: string) => one(`name: p\n    rules:\n      - { name: c, last_rule: 1 }\n${plugin}`);
    assert.equal(alwaysStops(byChild('')), true);
    assert.equal(alwaysStops(byChild('    plugin: SetField\n    config: { field: subject, value: x }\n')), true);
    // the plugin runs after the children and may set last_rule back
    assert.equal(alwaysStops(byChild('    plugin: SetField\n    config: { field: last_rule, value: 0 }\n')), false);
  });

  it('unreachableRules: rules after one that always stops, and rules whose condition is always false', () => {
    const found = unreachableRules(
      rules(
        [
          '  - name: outer',
          '    rules:',
          '      - { name: dead, condition: FALSE, rules: [ { name: inside } ] }',
          '      - { name: live, condition: x is true }',
          '  - { name: stop, last_rule: 1 }',
          '  - { name: late1 }',
          '  - { name: late2, condition: FALSE }',
        ].join('\n') + '\n',
      ),
    );
    // the children of a rule that never runs are not reported again; every rule after the stop is, because of it
    assert.deepEqual(
      found.map((u) => `${u.rule.name}: ${u.reason}${u.because ? ` (${u.because.name})` : ''}`),
      ['dead: its condition is always false', 'late1: an earlier rule always fires and sets last_rule (stop)', 'late2: an earlier rule always fires and sets last_rule (stop)'],
    );
    assert.deepEqual(unreachableRules(rules('  - { name: a, condition: x is true, last_rule: 1 }\n  - { name: b }\n')), []);
  });
});
