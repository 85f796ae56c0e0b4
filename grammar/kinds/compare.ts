import type { TextSpan } from '../ast.js';
import { code, name } from '../code.js';
import { defineKind, FIELD, own, type Fields, type Values } from './kind.js';

export type CompareOp = '<' | '<=' | '>' | '>=';

/** An operand of a numeric comparison: a number literal or a field that must hold a number. */
export type Operand = { kind: 'number'; value: number; text: string } | { kind: 'field'; name: string };

/** `A < B` (also <=, >, >=): both operands are numbers to Perl, in that order. */
export interface CompareTest {
  readonly kind: 'compare';
  readonly op: CompareOp;
  readonly left: Operand;
  readonly right: Operand;
  readonly span: TextSpan;
}

const NUMBER_LITERAL = /^(?:(?:\d+\.?\d*|\.\d+)(?:[eE]\d+)?|inf(?:inity)?|nan)$/i;

/** numberLiteral parses an operand that looks like a number to Perl, or returns undefined. */
export function numberLiteral(text: string): number | undefined {
  if (!NUMBER_LITERAL.test(text)) return undefined;
  const lower = text.toLowerCase();
  if (lower.startsWith('inf')) return Infinity;
  if (lower === 'nan') return NaN;
  return Number(text);
}

function operand(text: string): Operand {
  const n = numberLiteral(text);
  return n === undefined ? { kind: 'field', name: text } : { kind: 'number', value: n, text };
}

/** compareNumbers applies a comparison operator of the condition language. */
export function compareNumbers(op: CompareOp, a: number, b: number): boolean {
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
}

function value(o: Operand, m: Fields, v: Values): number | undefined {
  return o.kind === 'number' ? o.value : v.num(own(m, o.name));
}

const HELPER = { '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge' } as const;

/** lt, le, gt, ge are emitted comparisons: both operands numbers (see num), in that order. */
export const lt = (a: number | undefined, b: number | undefined): boolean => a !== undefined && b !== undefined && a < b;
export const le = (a: number | undefined, b: number | undefined): boolean => a !== undefined && b !== undefined && a <= b;
export const gt = (a: number | undefined, b: number | undefined): boolean => a !== undefined && b !== undefined && a > b;
export const ge = (a: number | undefined, b: number | undefined): boolean => a !== undefined && b !== undefined && a >= b;

export const compare = defineKind<CompareTest>({
  kind: 'compare',
  forms: ['`A < B` (also <=, >, >=)'],
  keywords: ['<', '<=', '>', '>='],
  pattern: new RegExp(`^${FIELD} (<=|>=|<|>) ${FIELD}$`, 'u'),
  parse: (m, at) => ({ kind: 'compare', op: m[2] as CompareOp, left: operand(m[1]), right: operand(m[3]), span: at.span }),
  unparse: (n) => `${n.left.kind === 'number' ? n.left.text : n.left.name} ${n.op} ${n.right.kind === 'number' ? n.right.text : n.right.name}`,
  fields: (n) => [n.left, n.right].flatMap((o) => (o.kind === 'field' ? [o.name] : [])),
  constant: (n) => (n.left.kind === 'number' && n.right.kind === 'number' ? compareNumbers(n.op, n.left.value, n.right.value) : undefined),
  evaluate: (n, m, env) => {
    const a = value(n.left, m, env);
    const b = value(n.right, m, env);
    return a !== undefined && b !== undefined && compareNumbers(n.op, a, b);
  },
  helpers: { lt, le, gt, ge } satisfies Record<(typeof HELPER)[CompareOp], unknown>,
  emit: (n, e) => {
    const arg = (o: Operand) => (o.kind === 'number' ? code`${o.value}` : e.number(o.name));
    return code`${name(HELPER[n.op])}(${arg(n.left)}, ${arg(n.right)})`;
  },
});
