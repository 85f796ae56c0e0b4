import type { Cond } from './ast.js';
import { unparseTest } from './kinds/index.js';

/**
 * unparse prints a condition back as text that parses to the same AST. With
 * explicit set, every AND/OR operand that is itself AND/OR gets parentheses,
 * which shows how a condition groups.
 */
export function unparse(c: Cond, explicit = false): string {
  const sub = (x: Cond): string => {
    const s = unparse(x, explicit);
    return explicit && (x.kind === 'and' || x.kind === 'or') ? `( ${s} )` : s;
  };
  switch (c.kind) {
    case 'and':
      return `${sub(c.left)} AND ${sub(c.right)}`;
    case 'or':
      return `${sub(c.left)} OR ${sub(c.right)}`;
    case 'not':
      return `NOT ${unparse(c.operand, explicit)}`;
    case 'group':
      return `( ${unparse(c.inner, explicit)} )`;
    case 'choose':
      return c.text;
    case 'const':
      return c.value ? 'TRUE' : 'FALSE';
    default:
      return unparseTest(c);
  }
}
