import type { TextSpan } from '../ast.js';
import { code } from '../code.js';
import { defineKind, FIELD } from './kind.js';

/** `contains F`: the message has the field, whatever it holds. */
export interface ContainsTest {
  readonly kind: 'contains';
  readonly field: string;
  readonly span: TextSpan;
}

export const contains = defineKind<ContainsTest>({
  kind: 'contains',
  forms: ['`contains F`'],
  keywords: ['contains'],
  pattern: new RegExp(`^contains ${FIELD}$`, 'u'),
  parse: (m, at) => ({ kind: 'contains', field: m[1], span: at.span }),
  unparse: (n) => `contains ${n.field}`,
  fields: (n) => [n.field],
  evaluate: (n, m) => Object.hasOwn(m, n.field),
  emit: (n) => code`hasOwn(m, ${n.field})`,
});
