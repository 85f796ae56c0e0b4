import type { Cond } from '../../grammar/ast.js';
import { testTruth, type Facts, type Known, type Truth } from '../../grammar/kinds/index.js';
import { ENV } from '../../runtime/evaluate.js';
import { truthy } from '../../grammar/perl-values.js';

/*
 * What the loop check knows of a message as it travels: for some fields,
 * that they are absent or hold one value; every other field may hold
 * anything. Conditions evaluate to true, false or maybe over this; each
 * test by its kind's three-valued hook (grammar/kinds), which by default
 * evaluates it when all its fields are known, so it means exactly what it
 * means at run time.
 */

export type { Facts, Known, Truth };

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
      return testTruth(c, f, ENV);
  }
}
