import type { Cond, TextSpan } from './ast.js';
import { classifyTest, hintFor } from './leaf.js';
import { PERL_SPACE } from './perl-classes.js';
import { counting } from './scalar-offsets.js';

/** ConditionProblem is something found in a condition, with a span relative to the condition text. */
export interface ConditionProblem {
  readonly kind: 'unparseable' | 'empty' | 'groupInsideLeaf' | 'tooManyGroups' | 'tooLong';
  readonly span: TextSpan;
  readonly message: string;
  readonly notes?: readonly string[];
  readonly hint?: string;
}

/**
 * Working text: the condition with each resolved `( … )` group replaced by
 * one placeholder character. The placeholder stands for the text TRUE or
 * FALSE that the original puts there; for splitting at AND, OR and NOT both
 * behave alike (a run of word characters), so one parse serves both values.
 */
interface Working {
  readonly text: string;
  /** origin[i] is the offset in the condition text of working character i (length + 1 entries). */
  readonly origin: readonly number[];
  /** groups by working-text index of their placeholder. */
  readonly groups: ReadonlyMap<number, Cond>;
}

const S = `[${PERL_SPACE}]`;
/** The original's group: `(`, whitespace, text without parentheses, whitespace, `)`; leftmost first. */
const GROUP = new RegExp(`\\(${S}+([^()]+)${S}+\\)`, 'du');
/** The original's splits: `.` (no newline) on both sides, so the last AND whose sides hold no newline. */
const AND = new RegExp(`^([^\\n]*)${S}+AND${S}+([^\\n]*)$`, 'du');
const OR = new RegExp(`^([^\\n]*)${S}+OR${S}+([^\\n]*)$`, 'du');
const NOT = new RegExp(`^NOT${S}+([^\\n]*)$`, 'du');
const LEAD = new RegExp(`^${S}+`, 'u');
const TRAIL = new RegExp(`${S}+$`, 'u');
const PLACEHOLDER = '\uE000';
/** MAX_CONDITION_LENGTH bounds the work on one condition (the original has no bound; real conditions are far shorter). */
export const MAX_CONDITION_LENGTH = 10_000;
/** More groups than this inside one test would need 2^n readings of it. */
const MAX_GROUPS_IN_TEST = 6;

/** MAX_QUOTED: how much of a condition a message quotes at most. */
const MAX_QUOTED = 80;

/** NO_GROUPS is the groups of a text without any: most texts, which need no map of their own. */
const NO_GROUPS: ReadonlyMap<number, Cond> = new Map();

function slice(w: Working, from: number, to: number): Working {
  if (from === 0 && to === w.text.length) return w;
  let groups = NO_GROUPS;
  if (w.groups.size) {
    const within = new Map<number, Cond>();
    for (const [k, v] of w.groups) if (k >= from && k < to) within.set(k - from, v);
    if (within.size) groups = within;
  }
  return { text: w.text.slice(from, to), origin: w.origin.slice(from, to + 1), groups };
}

function spanOf(w: Working, from: number, to: number): TextSpan {
  if (to <= from) return { start: w.origin[from], end: w.origin[from] };
  const last = w.groups.get(to - 1);
  return { start: w.origin[from], end: last ? last.span.end : w.origin[to - 1] + 1 };
}

/** perlTrim strips Perl whitespace from both ends, as the original does on every (sub)condition. */
function perlTrim(w: Working): Working {
  const lead = LEAD.exec(w.text)?.[0].length ?? 0;
  const trail = TRAIL.exec(w.text.slice(lead))?.[0].length ?? 0;
  return slice(w, lead, w.text.length - trail);
}

/** constValue is a group's value when it does not depend on the message. */
function constValue(c: Cond): boolean | undefined {
  if (c.kind === 'const') return c.value;
  if (c.kind === 'group') return constValue(c.inner);
  if (c.kind === 'not') {
    const v = constValue(c.operand);
    return v === undefined ? undefined : !v;
  }
  return undefined;
}

class Resolver {
  readonly problems: ConditionProblem[] = [];
  constructor(private readonly source: string) {}

  /** written is the text as the condition holds it, on one line for a message. */
  private written(span: TextSpan): string {
    return this.source.slice(span.start, span.end).replace(/\n/g, '\\n');
  }

  /** quoted is the text of a span for a message: long ones cut (the caret shows where it is). */
  private quoted(span: TextSpan): string {
    const text = this.written(span);
    return text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED - 1)}…` : text;
  }

  /**
   * resolve is the original's istrue as a parse: the steps in its order,
   * first match wins. The original reads the left side of an AND or OR
   * split again from the start; that is a loop here, so a long chain does
   * not nest calls.
   */
  resolve(input: Working): Cond {
    const splits: { kind: 'and' | 'or'; right: Working }[] = [];
    let base: Cond | undefined;
    let w = input;
    while (!base) {
      // Perl-false text ("" and "0") is false before anything else, without a log line
      if (w.text === '' || w.text === '0') {
        base = { kind: 'const', value: false, span: spanOf(w, 0, w.text.length) };
        break;
      }
      w = this.groups(perlTrim(w));
      const split = splitAt(w, 'AND', AND) ?? splitAt(w, 'OR', OR);
      if (split) {
        splits.push({ kind: split.kind, right: split.right });
        w = split.left;
      } else base = this.unary(w);
    }
    let cond = base;
    for (const { kind, right } of splits.reverse()) {
      const r = this.resolve(right);
      cond = { kind, left: cond, right: r, span: { start: cond.span.start, end: r.span.end } };
    }
    return cond;
  }

  /** groups replaces the leftmost `( … )` without parentheses inside by its value, again and again. */
  private groups(input: Working): Working {
    let w = input;
    if (!w.text.includes('(')) return w;
    for (let m = GROUP.exec(w.text); m; m = GROUP.exec(w.text)) {
      const [a, b] = m.indices![1];
      const span = spanOf(w, m.index, m.index + m[0].length);
      const group: Cond = { kind: 'group', inner: this.resolve(slice(w, a, b)), span };
      w = replaceByPlaceholder(w, m.index, m[0].length, group);
    }
    return w;
  }

  /** unary reads a text without AND or OR: a group's value, TRUE, FALSE, NOT, or a test. */
  private unary(w: Working): Cond {
    const whole = spanOf(w, 0, w.text.length);
    if (w.text === PLACEHOLDER) return w.groups.get(0)!;
    if (w.text === 'TRUE' || w.text === 'FALSE') return { kind: 'const', value: w.text === 'TRUE', span: whole };
    const not = w.text.startsWith('NOT') ? NOT.exec(w.text) : null;
    if (not) return { kind: 'not', operand: this.resolve(slice(w, ...not.indices![1])), span: whole };
    return this.test(w, whole);
  }

  /** test classifies one test; groups inside it become the text TRUE or FALSE, as in the original. */
  private test(w: Working, whole: TextSpan): Cond {
    const slots = [...w.groups.keys()].sort((a, b) => a - b);
    const unparseable = (): Cond => {
      this.problems.push({
        kind: 'unparseable',
        span: whole,
        message: whole.end > whole.start ? `cannot parse \`${this.quoted(whole)}\` as a test` : 'an empty test cannot be parsed',
        notes: [
          'the original logs `Condition could not be parsed` for it and takes it as false' +
            (slots.length > 0 ? ', after replacing each `( … )` inside it by TRUE or FALSE' : ''),
        ],
        hint: hintFor(this.source.slice(whole.start, whole.end)),
      });
      return { kind: 'const', value: false, span: whole, unparseable: true };
    };
    const probe = classifyTest(...concrete(w, new Map()));
    if ('error' in probe) return unparseable();
    if (slots.length === 0) return probe.cond;
    const varying = slots.filter((i) => constValue(w.groups.get(i)!) === undefined);
    const first = w.groups.get(slots[0])!;
    if (varying.length > MAX_GROUPS_IN_TEST) {
      this.problems.push({
        kind: 'tooManyGroups',
        span: whole,
        message: `${varying.length} groups inside one test; at most ${MAX_GROUPS_IN_TEST} are supported`,
        hint: 'to use parentheses in a regex, write them without spaces inside, as `(a|b)`',
      });
      return { kind: 'const', value: false, span: whole };
    }
    const fixed = new Map<number, boolean>();
    const build = (k: number): Cond => {
      if (k === varying.length) {
        const r = classifyTest(...concrete(w, fixed));
        return 'error' in r ? unparseable() : r.cond;
      }
      const on = w.groups.get(varying[k])!;
      fixed.set(varying[k], true);
      const then = build(k + 1);
      fixed.set(varying[k], false);
      const otherwise = build(k + 1);
      fixed.delete(varying[k]);
      return { kind: 'choose', on, then, else: otherwise, text: this.written(whole), span: whole };
    };
    const cond = build(0);
    this.problems.push({
      kind: 'groupInsideLeaf',
      span: first.span,
      message: `\`${this.quoted(first.span)}\` inside a test is replaced by the text TRUE or FALSE, as in the original`,
      notes:
        varying.length === 0
          ? [`this test reads \`${concrete(w, fixed)[0]}\``]
          : ['the test reads differently depending on the groups inside it'],
      hint: 'to use parentheses in a regex or a value, write them without spaces inside, as `(a|b)`',
    });
    return cond;
  }
}

/** splitAt is the original's split at the last AND (or OR) whose sides hold no line break. */
function splitAt(w: Working, word: 'AND' | 'OR', re: RegExp): { kind: 'and' | 'or'; left: Working; right: Working } | undefined {
  if (!w.text.includes(word)) return undefined;
  const m = re.exec(w.text);
  if (!m) return undefined;
  return { kind: word === 'AND' ? 'and' : 'or', left: slice(w, ...m.indices![1]), right: slice(w, ...m.indices![2]) };
}

function replaceByPlaceholder(w: Working, at: number, length: number, group: Cond): Working {
  const groups = new Map<number, Cond>();
  for (const [k, v] of w.groups) {
    if (k < at) groups.set(k, v);
    else if (k >= at + length) groups.set(k - length + 1, v);
  }
  groups.set(at, group);
  return {
    text: w.text.slice(0, at) + PLACEHOLDER + w.text.slice(at + length),
    origin: [...w.origin.slice(0, at), w.origin[at], ...w.origin.slice(at + length)],
    groups,
  };
}

/**
 * concrete is the text of a test as the original sees it: each group as
 * TRUE or FALSE (its value in `values`, FALSE where not given), with an
 * origin map that spreads the word over the group's span.
 */
function concrete(w: Working, values: ReadonlyMap<number, boolean>): [string, (i: number) => number] {
  // most tests hold no group: their text is the working text
  if (w.groups.size === 0) return [w.text, (i) => w.origin[i]];
  let text = '';
  const origin: number[] = [];
  for (let i = 0; i < w.text.length; i++) {
    const g = w.groups.get(i);
    if (!g) {
      text += w.text[i];
      origin.push(w.origin[i]);
      continue;
    }
    const word = (values.get(i) ?? constValue(g)) ? 'TRUE' : 'FALSE';
    text += word;
    for (let j = 0; j < word.length; j++) origin.push(j === word.length - 1 ? g.span.end - 1 : g.span.start);
  }
  origin.push(w.origin[w.text.length]);
  return [text, (i) => origin[i]];
}

/** ParsedCondition is the result of parsing: an AST unless the condition is empty. */
export interface ParsedCondition {
  readonly ast?: Cond;
  readonly problems: readonly ConditionProblem[];
}

/**
 * parseCondition reads one condition exactly as the original's istrue does:
 * trim; replace the leftmost `( … )` group without parentheses inside by
 * its value, again and again; split at the last AND, else the last OR; then
 * TRUE, FALSE, NOT and the tests. What the original cannot parse is false
 * (with a warning). Spans are relative to `text`.
 */
export function parseCondition(text: string): ParsedCondition {
  if (text === '') {
    return { problems: [{ kind: 'empty', span: { start: 0, end: 0 }, message: 'condition is empty' }] };
  }
  if (text.length > MAX_CONDITION_LENGTH) {
    const message = `condition of ${text.length} characters is longer than ${MAX_CONDITION_LENGTH}`;
    return { problems: [{ kind: 'tooLong', span: { start: 0, end: 1 }, message, hint: 'split it into nested rules, whose conditions combine by AND' }] };
  }
  const resolver = new Resolver(text);
  const origin = counting(0, text.length + 1);
  const ast = resolver.resolve({ text, origin, groups: NO_GROUPS });
  return { ast, problems: resolver.problems };
}
