import { fieldsRead, isLeaf, type Cond } from '../../grammar/ast.js';
import { evaluate } from '../../runtime/evaluate.js';
import { truthy } from '../../runtime/perl-values.js';
import type { Message } from '../../runtime/pipeline-api.js';

/*
 * What the loop check knows of a message as it travels: for some fields,
 * that they are absent or hold one value; every other field may hold
 * anything. Conditions evaluate to true, false or maybe over this; leaves
 * whose fields are all known are evaluated by the runtime's own evaluate,
 * so they mean exactly what they mean at run time.
 */

/** Known is what is known of one field: absent, or one value. */
export type Known = { readonly absent: true } | { readonly value: unknown };

/** Facts are the fields known of a message; a field not listed may hold anything. */
export type Facts = ReadonlyMap<string, Known>;

/** Truth is a condition's value for every message the facts describe. */
export type Truth = 'true' | 'false' | 'maybe';

export const ABSENT: Known = { absent: true };
export const NO_FACTS: Facts = new Map();

const keys = new WeakMap<Facts, string>();

/** factsKey is a canonical text of facts, to tell states apart (facts never change, so it is made once each). */
export function factsKey(f: Facts): string {
  let k = keys.get(f);
  if (k === undefined) {
    k = JSON.stringify([...f].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    keys.set(f, k);
  }
  return k;
}

/** knownTrue tells whether a field is known to hold a true value (as `last_rule` set by a rule). */
export function knownTrue(k: Known | undefined): boolean {
  return k !== undefined && !('absent' in k) && truthy(k.value);
}

/** withFact gives facts with `field` known as `k`, or forgotten when `k` is undefined. */
export function withFact(f: Facts, field: string, k: Known | undefined): Facts {
  const out = new Map(f);
  if (k === undefined) out.delete(field);
  else out.set(field, k);
  return out;
}

function leafTruth(c: Cond, f: Facts): Truth {
  const m = Object.create(null) as Message;
  for (const name of fieldsRead(c)) {
    const k = f.get(name);
    if (k === undefined) return 'maybe';
    if (!('absent' in k)) m[name] = k.value;
  }
  return evaluate(c, m) ? 'true' : 'false';
}

/** truth evaluates a condition over facts, with the original's AND, OR and NOT. */
export function truth(c: Cond, f: Facts): Truth {
  switch (c.kind) {
    case 'and': {
      const a = truth(c.left, f);
      if (a === 'false') return 'false';
      const b = truth(c.right, f);
      return b === 'false' ? 'false' : a === 'true' && b === 'true' ? 'true' : 'maybe';
    }
    case 'or': {
      const a = truth(c.left, f);
      if (a === 'true') return 'true';
      const b = truth(c.right, f);
      return b === 'true' ? 'true' : a === 'false' && b === 'false' ? 'false' : 'maybe';
    }
    case 'not': {
      const a = truth(c.operand, f);
      return a === 'maybe' ? 'maybe' : a === 'true' ? 'false' : 'true';
    }
    case 'group':
      return truth(c.inner, f);
    case 'choose': {
      const on = truth(c.on, f);
      if (on !== 'maybe') return truth(on === 'true' ? c.then : c.else, f);
      const a = truth(c.then, f);
      return a === truth(c.else, f) ? a : 'maybe';
    }
    case 'const':
      return c.value ? 'true' : 'false';
    default:
      return isLeaf(c) ? leafTruth(c, f) : 'maybe';
  }
}
