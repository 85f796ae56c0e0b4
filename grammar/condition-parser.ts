import { EmbeddedActionsParser, type IToken } from 'chevrotain';
import type { Cond, TextSpan } from './ast.js';
import { allTokens, AndSep, conditionLexer, Not, OrSep, Text, Ws } from './tokens.js';
import { classifyTest } from './leaf.js';

/** ConditionError is a problem found in a condition, with a span relative to the condition text. */
export interface ConditionError {
  readonly kind: 'unparseable' | 'empty' | 'groupInsideLeaf' | 'syntax';
  readonly span: TextSpan;
  readonly message: string;
  readonly hint?: string;
}

/** Working text: the condition with each parenthesised group replaced by one placeholder character. */
interface Working {
  text: string;
  /** origin[i] is the offset in the condition text of working character i (length + 1 entries). */
  origin: number[];
  /** groups by working-text index of their placeholder. */
  groups: Map<number, Cond>;
}

const GROUP = /\(\s+([^()]+?)\s+\)/;
const PLACEHOLDER = '\uE000';

/** Segment is the tokens of one test: what lies between AND/OR separators. */
interface Segment {
  tokens: IToken[];
}

class ConditionParser extends EmbeddedActionsParser {
  private work!: Working;
  problems: ConditionError[] = [];

  constructor() {
    super(allTokens, { recoveryEnabled: false });
    this.performSelfAnalysis();
  }

  setInput(tokens: IToken[], work: Working): void {
    this.input = tokens;
    this.work = work;
    this.problems = [];
  }

  /** condition: the original splits at AND first, so AND binds looser than OR. */
  condition = this.RULE('condition', (): Cond => {
    let left = this.SUBRULE(this.orChain);
    this.MANY(() => {
      this.CONSUME(AndSep);
      const right = this.SUBRULE2(this.orChain);
      left = this.ACTION(() => ({ kind: 'and', left, right, span: join(left.span, right.span) }) as Cond);
    });
    return left;
  });

  orChain = this.RULE('orChain', (): Cond => {
    let left = this.SUBRULE(this.unary);
    this.MANY(() => {
      this.CONSUME(OrSep);
      const right = this.SUBRULE2(this.unary);
      left = this.ACTION(() => ({ kind: 'or', left, right, span: join(left.span, right.span) }) as Cond);
    });
    return left;
  });

  unary = this.RULE('unary', (): Cond => {
    return this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
      {
        // NOT needs whitespace and a test after it; a bare `NOT` is an unparseable test
        GATE: () => this.LA(2).tokenType === Ws,
        ALT: () => {
          const not = this.CONSUME(Not);
          this.CONSUME(Ws);
          const operand = this.SUBRULE(this.unary);
          return this.ACTION(() => ({ kind: 'not', operand, span: join(this.spanOf(not), operand.span) }) as Cond);
        },
      },
      { ALT: () => this.SUBRULE(this.test) },
      ],
    });
  });

  test = this.RULE('test', (): Cond => {
    const seg: Segment = { tokens: [] };
    this.AT_LEAST_ONE(() => {
      const t = this.OR([
        { ALT: () => this.CONSUME(Text) },
        { ALT: () => this.CONSUME(Ws) },
        { ALT: () => this.CONSUME(Not) },
      ]);
      seg.tokens.push(t);
    });
    return this.ACTION(() => this.classify(seg)) as Cond;
  });

  private spanOf(t: IToken): TextSpan {
    return { start: this.work.origin[t.startOffset], end: this.work.origin[t.startOffset + t.image.length - 1] + 1 };
  }

  private classify(seg: Segment): Cond {
    const first = seg.tokens[0];
    const last = seg.tokens[seg.tokens.length - 1];
    const from = first.startOffset;
    const to = last.startOffset + last.image.length;
    const text = this.work.text.slice(from, to);
    const whole: TextSpan = { start: this.work.origin[from], end: this.work.origin[to - 1] + 1 };
    const group = this.work.groups.get(from);
    if (group && to - from === 1) return group;
    for (const index of this.work.groups.keys()) {
      if (index >= from && index < to) {
        const g = this.work.groups.get(index)!;
        this.problems.push({
          kind: 'groupInsideLeaf',
          span: g.span,
          message: 'a parenthesised group must stand alone between AND, OR and NOT',
          hint: 'the original replaces `( … )` by TRUE or FALSE inside this text; to use parentheses in a regex, write them without spaces inside, as `(a|b)`',
        });
        return { kind: 'const', value: false, span: whole };
      }
    }
    const origin = (i: number): number => this.work.origin[from + i];
    const result = classifyTest(text, origin);
    if ('error' in result) {
      this.problems.push({ kind: 'unparseable', span: whole, message: result.error, hint: result.hint });
      return { kind: 'const', value: false, span: whole };
    }
    return result.cond;
  }
}

function join(a: TextSpan, b: TextSpan): TextSpan {
  return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}

const parser = new ConditionParser();

/** ParsedCondition is the result of parsing: an AST when there were no errors. */
export interface ParsedCondition {
  readonly ast?: Cond;
  readonly errors: readonly ConditionError[];
}

/**
 * parseCondition parses one condition text with the original's rules: trim,
 * resolve `( … )` groups innermost-leftmost, split at AND, then OR, then NOT,
 * then classify each test by its exact form. Spans are relative to `text`.
 */
export function parseCondition(text: string): ParsedCondition {
  const lead = text.length - text.trimStart().length;
  const trimmed = text.trim();
  if (trimmed === '') {
    return {
      errors: [{ kind: 'empty', span: { start: 0, end: text.length }, message: 'condition is empty' }],
    };
  }
  const origin = Array.from({ length: trimmed.length + 1 }, (_, i) => lead + i);
  return parseTrimmed(trimmed, origin);
}

function parseTrimmed(text: string, origin: number[]): ParsedCondition {
  const errors: ConditionError[] = [];
  const work: Working = { text, origin, groups: new Map() };
  for (;;) {
    const m = GROUP.exec(work.text);
    if (!m) break;
    const innerStart = m.index + m[0].indexOf(m[1]);
    const inner = parseTrimmed(m[1].trim(), work.origin.slice(innerStart, innerStart + m[1].trim().length + 1));
    errors.push(...inner.errors);
    const groupSpan = { start: work.origin[m.index], end: work.origin[m.index + m[0].length - 1] + 1 };
    const node: Cond = {
      kind: 'group',
      inner: inner.ast ?? { kind: 'const', value: false, span: groupSpan },
      span: groupSpan,
    };
    const shifted = new Map<number, Cond>();
    for (const [k, v] of work.groups) {
      if (k < m.index) shifted.set(k, v);
      else if (k >= m.index + m[0].length) shifted.set(k - m[0].length + 1, v);
    }
    shifted.set(m.index, node);
    work.groups = shifted;
    work.text = work.text.slice(0, m.index) + PLACEHOLDER + work.text.slice(m.index + m[0].length);
    work.origin = [
      ...work.origin.slice(0, m.index),
      work.origin[m.index],
      ...work.origin.slice(m.index + m[0].length),
    ];
  }
  const lexed = conditionLexer.tokenize(work.text);
  parser.setInput(lexed.tokens, work);
  const ast = parser.condition();
  errors.push(...parser.problems);
  for (const e of lexed.errors) {
    const at = work.origin[e.offset];
    errors.push({ kind: 'syntax', span: { start: at, end: at + e.length }, message: e.message });
  }
  for (const e of parser.errors) {
    const t = e.token;
    const at = Number.isNaN(t.startOffset) ? work.origin[work.text.length] : work.origin[t.startOffset];
    errors.push({ kind: 'syntax', span: { start: at, end: at + Math.max(1, t.image.length) }, message: e.message });
  }
  return errors.length > 0 ? { errors } : { ast, errors };
}
