import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { ABSENT, type Facts, type Known } from '../compiler/loops/abstract-message.js';
import type { Message } from '../runtime/pipeline-api.js';

/*
 * Random conditions, rule trees and messages, for the property tests that
 * run one condition or tree several ways (grammar/kinds/index.test.ts,
 * differential.test.ts), and what the loop check's model knows of a message.
 */
export const fields = ['a', 'b', 'key', 'subject', 'n', 'x.y', 'noforward', 'constructor'];
export const field = fc.constantFrom(...fields);
const keyValues = ['alpha', 'beta', 'gamma', '1', '0'];
export const value = fc.oneof(
  fc.constantFrom('foo', 'Foo', 'bar', 'foo bar', '1', '0', '', 'false', ' 5 ', '-3', '10', 'é', 'x, y,z', ...keyValues),
  fc.constantFrom(0, 1, 2, 3.5, -1, 10),
  fc.constant(null),
  fc.boolean(),
);
/** leafOn makes tests of the fields `field` gives (numeric comparisons also of numbers); `others` adds key tests and constants. */
function leafOn(field: fc.Arbitrary<string>, others = true): fc.Arbitrary<string> {
  const operand = fc.oneof(field, fc.constantFrom('0', '2', '3.5', '10'));
  const more = others ? [{ weight: 3, arbitrary: fc.constantFrom(...keyValues).map((v) => `key equals ${v}`) }, fc.constantFrom('TRUE', 'FALSE')] : [];
  return fc.oneof(
    ...more,
    fc.tuple(field, fc.constantFrom('foo', 'bar', '1', '0', '10', 'foo bar', 'Foo')).map(([f, v]) => `${f} equals ${v}`),
    fc
      .tuple(field, fc.constantFrom('matches', 'imatches'), fc.constantFrom('fo+', '^b', '\\d', 'o$', '0', '(x|f)', '^$', 'a.b', '\\bbar\\b'))
      .map(([f, op, r]) => `${f} ${op} ${r}`),
    field.map((f) => `contains ${f}`),
    fc.tuple(field, fc.constantFrom('true', 'false')).map(([f, t]) => `${f} is ${t}`),
    fc.tuple(operand, fc.constantFrom('<', '<=', '>', '>='), operand).map(([a, op, b]) => `${a} ${op} ${b}`),
  );
}

export const leaf = leafOn(field);

export const { cond } = fc.letrec<{ cond: string }>((tie) => ({
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

/** pluginOn makes plugin steps that change the fields `target` gives. */
function pluginOn(target: fc.Arbitrary<string>) {
  return fc.oneof(
    // structured values too: a compiled tree copies them into each message as the plugin does
    fc.tuple(target, fc.oneof(value, fc.constantFrom(['a', 'b'], { k: 'v', n: [1] }))).map(([f, v]) => ({ plugin: 'SetField', config: { field: f, value: v } })),
    fc.tuple(target, value, fc.boolean()).map(([f, v, keep]) => ({ plugin: 'SetField', config: { set: { [f]: v }, no_override: keep ? 1 : 0 } })),
    target.map((f) => ({ plugin: 'DeleteField', config: { field: f } })),
    fc.tuple(field, target).map(([s, t]) => ({ plugin: 'CopyField', config: { source_field: s, target_field: t } })),
    fc.tuple(field, target).map(([s, t]) => ({ plugin: 'HashLookup', config: { source_field: s, target_field: t, lookup: { foo: 'alpha', 1: 'beta' } } })),
    fc.tuple(target, fc.constantFrom('o', '(\\w)\\w*', '^')).map(([s, r]) => ({
      plugin: 'TransformField',
      config: { source_field: s, regexp_search: r, regexp_replace: '<$1>' },
    })),
    fc
      .tuple(target, fc.constantFrom('{$a}', '{$subject}: {$n}', 'x{$key}{$key}y', '', '{$constructor} {$b}'))
      .map(([t, template]) => ({ plugin: 'Template', config: { template, target_field: t } })),
    fc
      .tuple(field, fc.array(fc.oneof(target, field), { minLength: 1, maxLength: 3 }))
      .map(([s, to]) => ({ plugin: 'Split', config: { source_field: s, target_fields: to } })),
    fc.tuple(field, target).map(([s, t]) => ({ plugin: 'CaptureData', config: { source_field: s, regexp: '(\\d+)', target_field: t } })),
  );
}

const plugin = pluginOn(field);

export interface Rule {
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

export const rules: fc.Arbitrary<Rule[]> = fc.letrec<{ rules: Rule[] }>((tie) => ({
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
    // siblings that test one field and change it: what a compiled tree kept of the field must be forgotten
    fc.constantFrom(...fields).chain((f) =>
      fc.array(
        fc
          .record({ name: ruleName, condition: leafOn(fc.constant(f), false), step: fc.oneof(pluginOn(fc.constant(f)), plugin), rules: tie('rules') }, { requiredKeys: ['name'] })
          .map(toRule),
        { minLength: 2, maxLength: 5, depthIdentifier: 'tree' },
      ),
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

export const message = fc.dictionary(field, value, { maxKeys: 6 }) as fc.Arbitrary<Message>;


/** factsOf is what the loop model knows of `m` when only the fields in `known` are known. */
export function factsOf(m: Message, known: readonly string[]): Facts {
  return new Map(known.map((k): [string, Known] => [k, Object.hasOwn(m, k) ? { value: m[k] } : ABSENT]));
}

/** describes tells whether a message is one of those that facts describe. */
export function describes(f: Facts, m: Readonly<Record<string, unknown>>): boolean {
  return [...f].every(([k, known]) => ('absent' in known ? !Object.hasOwn(m, k) : Object.hasOwn(m, k) && isDeepStrictEqual(m[k], known.value)));
}
