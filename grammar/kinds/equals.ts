import type { TextSpan } from '../ast.js';
import { code } from '../code.js';
import { defineKind, FIELD, own, SPACES } from './kind.js';

/** `F equals V`: the field holds a true value whose text is V. */
export interface EqualsTest {
  readonly kind: 'equals';
  readonly field: string;
  readonly value: string;
  readonly span: TextSpan;
  readonly valueSpan: TextSpan;
}

export const equals = defineKind<EqualsTest>({
  kind: 'equals',
  forms: ['`F equals V`'],
  keywords: ['equals'],
  pattern: new RegExp(`^${FIELD}${SPACES}equals${SPACES}([^\\n]*)$`, 'u'),
  parse: (m, at) => ({ kind: 'equals', field: m[1], value: m[2], span: at.span, valueSpan: at.tail(m, 2) }),
  unparse: (n) => `${n.field} equals ${n.value}`,
  fields: (n) => [n.field],
  // a false value has no text, so `F equals 0` and `F equals` never hold
  constant: (n, v) => (v.truthy(n.value) ? undefined : false),
  evaluate: (n, m, env) => env.trueText(own(m, n.field)) === n.value,
  emit: (n, e) => code`${e.text(n.field)} === ${n.value}`,
});
