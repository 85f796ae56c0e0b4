import type { TextSpan } from '../ast.js';
import type { Code } from '../code.js';
import { PERL_SPACE, PERL_WORD } from '../perl-classes.js';

/*
 * A kind of test of the condition language (`F equals V`, `contains F`, …),
 * defined once as data plus hooks. The interpreter, the emitter, the folder
 * and the loop analysis read their meaning of a test from here, so a new
 * kind is one file in this folder and a line in index.ts.
 */

/** Values are the Perl meaning of message values, given by the layer that holds them (grammar/perl-values.ts). */
export interface Values {
  truthy(v: unknown): boolean;
  str(v: unknown): string;
  num(v: unknown): number | undefined;
  isTrue(v: unknown): boolean;
  isFalse(v: unknown): boolean;
  trueText(v: unknown): string | undefined;
}

/** Env is what evaluating a test needs: Perl values and Perl regexes. */
export interface Env extends Values {
  regex(source: string, icase: boolean): { test(s: string): boolean };
}

/** Fields are a message as a test sees it: flat keys, of which only own properties count. */
export type Fields = Readonly<Record<string, unknown>>;

/** own reads a message's own field only: `constructor` or `__proto__` are fields like any other. */
export function own(m: Fields, name: string): unknown {
  return Object.hasOwn(m, name) ? m[name] : undefined;
}

/** Known is what the loop analysis knows of one field: absent, or one value. */
export type Known = { readonly absent: true } | { readonly value: unknown };

/** Facts are the fields known of a message; a field not listed may hold anything. */
export type Facts = ReadonlyMap<string, Known>;

/** Truth is a condition's value for every message the facts describe. */
export type Truth = 'true' | 'false' | 'maybe';

/** Types writes TypeScript annotations, or nothing where a module is emitted as JavaScript. */
export type Types = (annotation: Code) => Code;

/** EmitContext is what emitting a test needs from the module emitter. */
export interface EmitContext {
  readonly values: Values;
  /** read is the expression for a field's value. */
  read(field: string): Code;
  /** text is the expression for a field's text when its value is true to Perl, else undefined (trueText). */
  text(field: string): Code;
  /** number is the expression for the number a field holds to Perl, else undefined (Values.num). */
  number(field: string): Code;
  /** regex is the module-level name of a compiled regex. */
  regex(source: string, icase: boolean): Code;
}

/** Where is how a parse hook finds positions: the whole test's span, and the span of the group that ends the test. */
export interface Where {
  readonly span: TextSpan;
  /** origin maps an index in the test's text to an offset in the condition. */
  origin(i: number): number;
  /** tail is the span of match group `g`, which ends the test (see tailOf). */
  tail(m: RegExpExecArray, g: number): TextSpan;
}

/**
 * tailOf is where match group `g` lies in the test's text, for a group
 * that ends the text (the value of `F equals V`, the regex of `F matches
 * R`): the patterns go without the `d` flag, whose indices cost every
 * test a few allocations (a tenth of linting a large file).
 */
export function tailOf(m: RegExpExecArray, g: number): [number, number] {
  return [m.input.length - m[g].length, m.input.length];
}

/** A test node: a kind tag and where it was written. */
export interface TestNode {
  readonly kind: string;
  readonly span: TextSpan;
}

/** KindDef is one kind of test. */
export interface KindDef<N extends TestNode> {
  readonly kind: N['kind'];
  /** forms are how the test is written, for the hint on a test that does not parse. */
  readonly forms: readonly string[];
  /**
   * keywords are the words the editor offers to complete; the pattern matches
   * only a text that holds one of them (classify skips the kind otherwise).
   */
  readonly keywords: readonly string[];
  /** pattern is the exact regex the original matches a whole test against (kinds are tried in index.ts order). */
  readonly pattern: RegExp;
  parse(m: RegExpExecArray, at: Where): N;
  /** unparse prints the test so that it parses back to the same node. */
  unparse(n: N): string;
  /** fields are the message fields the test reads. */
  fields(n: N): readonly string[];
  /** constant is the test's value when it does not depend on the message (for folding), else undefined. */
  constant?(n: N, v: Values): boolean | undefined;
  /** evaluate is the reference meaning of the test for a message, as the original wubot's istrue. */
  evaluate(n: N, m: Fields, env: Env): boolean;
  /** truth is the three-valued meaning over facts; without it, the test is evaluated when all its fields are known. */
  truth?(n: N, f: Facts, env: Env): Truth;
  /** helpers are the functions its emitted code calls by name; emitted modules import them (grammar/module-helpers.ts). */
  readonly helpers?: Readonly<Record<string, (...args: never[]) => unknown>>;
  /** emit is the test as an expression over the message `m`, with the meaning of evaluate. */
  emit(n: N, e: EmitContext): Code;
}

/** defineKind checks a definition's type; it is the one way a kind is declared. */
export function defineKind<N extends TestNode>(def: KindDef<N>): KindDef<N> {
  return def;
}

/** Field names are flat keys of Perl word characters (Unicode letters, digits, `_`) and `.`. */
export const FIELD = `([${PERL_WORD}.]+)`;
/** SPACES is a run of Perl whitespace. */
export const SPACES = `[${PERL_SPACE}]+`;

