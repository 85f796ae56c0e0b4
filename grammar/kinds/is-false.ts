import type { TextSpan } from '../ast.js';
import { code } from '../code.js';
import { defineKind, FIELD, own } from './kind.js';

/** `F is false`: the field is missing, holds a false value, or the text `false`. */
export interface IsFalseTest {
  readonly kind: 'isfalse';
  readonly field: string;
  readonly span: TextSpan;
}

export const isFalse = defineKind<IsFalseTest>({
  kind: 'isfalse',
  forms: ['`F is false`'],
  keywords: ['is false'],
  pattern: new RegExp(`^${FIELD} is false$`, 'u'),
  parse: (m, at) => ({ kind: 'isfalse', field: m[1], span: at.span }),
  unparse: (n) => `${n.field} is false`,
  fields: (n) => [n.field],
  evaluate: (n, m, env) => env.isFalse(own(m, n.field)),
  emit: (n, e) => code`isFalse(${e.read(n.field)})`,
});
