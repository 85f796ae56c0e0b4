import type { TextSpan } from '../ast.js';
import { code } from '../code.js';
import { defineKind, FIELD, own } from './kind.js';

/** `F is true`: the field holds a true value other than the text `false`. */
export interface IsTrueTest {
  readonly kind: 'istrue';
  readonly field: string;
  readonly span: TextSpan;
}

export const isTrue = defineKind<IsTrueTest>({
  kind: 'istrue',
  forms: ['`F is true`'],
  keywords: ['is true'],
  pattern: new RegExp(`^${FIELD} is true$`, 'u'),
  parse: (m, at) => ({ kind: 'istrue', field: m[1], span: at.span }),
  unparse: (n) => `${n.field} is true`,
  fields: (n) => [n.field],
  evaluate: (n, m, env) => env.isTrue(own(m, n.field)),
  emit: (n, e) => code`isTrue(${e.read(n.field)})`,
});
