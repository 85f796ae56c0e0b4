import type { Code } from '../code.js';
import { compare } from './compare.js';
import { contains } from './contains.js';
import { equals } from './equals.js';
import { isFalse } from './is-false.js';
import { isTrue } from './is-true.js';
import { tailOf, type EmitContext, type Env, type Facts, type Fields, type KindDef, type Truth, type Values, type Where } from './kind.js';
import { matches } from './matches.js';

/**
 * KINDS are the kinds of test, in the order the original tries their
 * patterns on a test. Everything below is derived from their hooks.
 */
export const KINDS = [equals, matches, contains, isTrue, isFalse, compare] as const;

type NodeOf<K> = K extends KindDef<infer N> ? N : never;

/** Leaf is a test of message fields: a node of one of the kinds. */
export type Leaf = NodeOf<(typeof KINDS)[number]>;

const BY_KIND: ReadonlyMap<string, KindDef<Leaf>> = new Map(KINDS.map((k) => [k.kind, k as KindDef<Leaf>]));

/** isLeafKind tells whether a node kind is a kind of test. */
export function isLeafKind(kind: string): boolean {
  return BY_KIND.has(kind);
}

function kindOf(n: Leaf): KindDef<Leaf> {
  return BY_KIND.get(n.kind)!;
}

/** classify reads the text of one test with the first kind whose pattern matches it. */
export function classify(text: string, at: Omit<Where, 'tail'>): Leaf | undefined {
  const where: Where = {
    ...at,
    tail: (m, g) => {
      const [a, b] = tailOf(m, g);
      return { start: at.origin(a), end: b > a ? at.origin(b - 1) + 1 : at.origin(a) };
    },
  };
  for (const k of KINDS as readonly KindDef<Leaf>[]) {
    // a text without the kind's keywords cannot match its pattern; looking for them costs far less than the pattern
    if (!k.keywords.some((w) => text.includes(w))) continue;
    const m = k.pattern.exec(text);
    if (m) return k.parse(m, where);
  }
  return undefined;
}

/** FORMS says how tests are written, for the hint on one that does not parse. */
export const FORMS = ((forms: readonly string[]) => `${forms.slice(0, -1).join(', ')} and ${forms[forms.length - 1]}`)(KINDS.flatMap((k) => k.forms));

/** KEYWORDS are the words of the tests, for the editor. */
export const KEYWORDS: readonly string[] = KINDS.flatMap((k) => k.keywords);

export function unparseTest(n: Leaf): string {
  return kindOf(n).unparse(n);
}

export function testFields(n: Leaf): readonly string[] {
  return kindOf(n).fields(n);
}

/** testConstant is a test's value when no message can change it, else undefined. */
export function testConstant(n: Leaf, v: Values): boolean | undefined {
  return kindOf(n).constant?.(n, v);
}

export function evaluateTest(n: Leaf, m: Fields, env: Env): boolean {
  return kindOf(n).evaluate(n, m, env);
}

/** testTruth is a test's value over facts: by its kind's hook, else by evaluating it when every field it reads is known. */
export function testTruth(n: Leaf, f: Facts, env: Env): Truth {
  const k = kindOf(n);
  if (k.truth) return k.truth(n, f, env);
  const m = Object.create(null) as Record<string, unknown>;
  for (const name of k.fields(n)) {
    const known = f.get(name);
    if (known === undefined) return 'maybe';
    if (!('absent' in known)) m[name] = known.value;
  }
  return k.evaluate(n, m, env) ? 'true' : 'false';
}

export function emitTest(n: Leaf, e: EmitContext): Code {
  return kindOf(n).emit(n, e);
}

export type { EmitContext, Env, Facts, Fields, Known, TestNode, Truth, Types, Values } from './kind.js';
