import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { handWritten, realisticMessages, realisticTree } from '../../bench/realistic.js';
import { hasErrors } from '../../grammar/diagnostics/diagnostic.js';
import { compileText, pipelinesFor, runOn } from '../helpers.js';

/* The benchmark compares like with like only if its hand-written function does what the tree does. */
describe('benchmark tree', () => {
  it('has about 100 rules and compiles clean', () => {
    const c = compileText(realisticTree());
    assert.ok(!hasErrors(c.diagnostics));
    let n = 0;
    const count = (rules: readonly { children: readonly unknown[] }[]): void => {
      for (const r of rules) {
        n++;
        count(r.children as { children: readonly unknown[] }[]);
      }
    };
    count(c.tree!.rules);
    assert.ok(n >= 95 && n <= 105, `${n} rules`);
  });

  it('hand-written, interpreted and compiled give the same messages', async () => {
    const p = await pipelinesFor(realisticTree(), 'bench');
    const hand = handWritten('bench');
    for (const m of realisticMessages(3000)) {
      const expected = runOn(p.interpreted, m);
      assert.deepEqual(runOn(p.optimized, m), expected);
      assert.deepEqual(runOn(hand, m), expected, JSON.stringify(m));
    }
  });
});
