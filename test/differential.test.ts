import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { hasErrors } from '../compiler/diagnostics/diagnostic.js';
import type { Message } from '../runtime/pipeline-api.js';
import { compileText, pipelinesFor, runOn } from './helpers.js';

/*
 * Random rule trees and messages through the reference interpreter and the
 * compiled module, optimized and not: all three must agree on every message.
 */
const fields = ['a', 'b', 'key', 'subject', 'n', 'x.y', 'noforward', 'constructor'];
const field = fc.constantFrom(...fields);
const keyValues = ['alpha', 'beta', 'gamma', '1', '0'];
const value = fc.oneof(
  fc.constantFrom('foo', 'Foo', 'bar', 'foo bar', '1', '0', '', 'false', ' 5 ', '-3', '10', 'é', ...keyValues),
  fc.constantFrom(0, 1, 2, 3.5, -1, 10),
  fc.constant(null),
  fc.boolean(),
);
const operand = fc.oneof(field, fc.constantFrom('0', '2', '3.5', '10'));

const leaf = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...keyValues).map((v) => `key equals ${v}`) },
  fc.tuple(field, fc.constantFrom('foo', 'bar', '1', '0', '10', 'foo bar', 'Foo')).map(([f, v]) => `${f} equals ${v}`),
  fc
    .tuple(field, fc.constantFrom('matches', 'imatches'), fc.constantFrom('fo+', '^b', '\\d', 'o$', '0', '(x|f)', '^$', 'a.b', '\\bbar\\b'))
    .map(([f, op, r]) => `${f} ${op} ${r}`),
  field.map((f) => `contains ${f}`),
  fc.tuple(field, fc.constantFrom('true', 'false')).map(([f, t]) => `${f} is ${t}`),
  fc.tuple(operand, fc.constantFrom('<', '<=', '>', '>='), operand).map(([a, op, b]) => `${a} ${op} ${b}`),
  fc.constantFrom('TRUE', 'FALSE'),
);

const { cond } = fc.letrec<{ cond: string }>((tie) => ({
  cond: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 4, arbitrary: leaf },
    fc.tuple(tie('cond'), fc.constantFrom('AND', 'OR'), tie('cond')).map(([a, op, b]) => `${a} ${op} ${b}`),
    leaf.map((l) => `NOT ${l}`),
    tie('cond').map((c) => `( ${c} )`),
    // groups inside a test, which the original reads as the text TRUE or FALSE
    fc.tuple(field, tie('cond')).map(([f, c]) => `${f} equals x( ${c} )y`),
    fc.tuple(field, leaf).map(([f, l]) => `${f} matches ^( ${l} )`),
  ),
}));

const plugin = fc.oneof(
  fc.tuple(field, value).map(([f, v]) => ({ plugin: 'SetField', config: { field: f, value: v } })),
  fc.tuple(field, value, fc.boolean()).map(([f, v, keep]) => ({ plugin: 'SetField', config: { set: { [f]: v }, no_override: keep ? 1 : 0 } })),
  field.map((f) => ({ plugin: 'DeleteField', config: { field: f } })),
  fc.tuple(field, field).map(([s, t]) => ({ plugin: 'CopyField', config: { source_field: s, target_field: t } })),
  fc.tuple(field, field).map(([s, t]) => ({ plugin: 'HashLookup', config: { source_field: s, target_field: t, lookup: { foo: 'alpha', 1: 'beta' } } })),
  fc.tuple(field, fc.constantFrom('o', '(\\w)\\w*', '^')).map(([s, r]) => ({
    plugin: 'TransformField',
    config: { source_field: s, regexp_search: r, regexp_replace: '<$1>' },
  })),
  fc.tuple(field, field).map(([s, t]) => ({ plugin: 'CaptureData', config: { source_field: s, regexp: '(\\d+)', target_field: t } })),
);

interface Rule {
  name: string;
  condition?: string;
  plugin?: string;
  config?: unknown;
  last_rule?: number;
  rules?: Rule[];
}

function toRule(r: { name: string; condition?: string; step?: object; last_rule?: number; rules?: Rule[] }): Rule {
  return {
    name: r.name,
    ...(r.condition !== undefined ? { condition: r.condition } : {}),
    ...(r.step ?? {}),
    ...(r.last_rule ? { last_rule: r.last_rule } : {}),
    ...(r.rules?.length ? { rules: r.rules } : {}),
  };
}

const ruleName = fc.constantFrom('r1', 'r2', 'route', 'fwd');
const lastRule = fc.constantFrom(1, 0, 0);

const rules: fc.Arbitrary<Rule[]> = fc.letrec<{ rules: Rule[] }>((tie) => ({
  rules: fc.oneof(
    // past depth 3 a rule has no children, which keeps trees small enough to run many
    { depthSize: 'small', maxDepth: 3, depthIdentifier: 'tree' },
    fc.constant<Rule[]>([]),
    fc.array(
      fc
        .record({ name: ruleName, condition: cond, step: plugin, last_rule: lastRule, rules: tie('rules') }, { requiredKeys: ['name'] })
        .map(toRule),
      { maxLength: 5, depthIdentifier: 'tree' },
    ),
    // a routing level: siblings that test `key equals …`, which the optimizer dispatches by a map
    fc.array(
      fc
        .record(
          { name: ruleName, value: fc.constantFrom(...keyValues), step: plugin, last_rule: lastRule, rules: tie('rules') },
          { requiredKeys: ['name', 'value'] },
        )
        .map(({ value: v, ...r }) => toRule({ ...r, condition: `key equals ${v}` })),
      { minLength: 3, maxLength: 6, depthIdentifier: 'tree' },
    ),
  ),
})).rules;

const message = fc.dictionary(field, value, { maxKeys: 6 }) as fc.Arbitrary<Message>;

describe('compiled and interpreted rule trees agree', () => {
  it('on random trees and messages', async () => {
    const seen = { dispatch: 0, memo: 0 };
    await fc.assert(
      fc.asyncProperty(rules, fc.array(message, { minLength: 1, maxLength: 12 }), async (tree, messages) => {
        const text = JSON.stringify({ rules: tree });
        const c = compileText(text);
        fc.pre(!hasErrors(c.diagnostics));
        if (c.code?.includes('switch (')) seen.dispatch++;
        if (c.code?.includes('let t0 = 0')) seen.memo++;
        const p = await pipelinesFor(text);
        for (const m of messages) {
          const expected = runOn(p.interpreted, m);
          assert.deepEqual(runOn(p.optimized, m), expected, `optimized differs on ${JSON.stringify(m)}`);
          assert.deepEqual(runOn(p.literal, m), expected, `unoptimized differs on ${JSON.stringify(m)}`);
        }
      }),
      { numRuns: 200 },
    );
    // the trees must exercise the optimizations, or agreeing proves little
    assert.ok(seen.dispatch >= 10 && seen.memo >= 10, `dispatch in ${seen.dispatch} trees, memo in ${seen.memo}`);
  });
});
