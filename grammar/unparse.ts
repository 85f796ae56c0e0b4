import type { Cond, Operand } from './ast.js';

function operand(o: Operand): string {
  return o.kind === 'number' ? o.text : o.name;
}

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
    case 'equals':
      return `${c.field} equals ${c.value}`;
    case 'matches':
      return `${c.field} ${c.icase ? 'imatches' : 'matches'} ${c.regex}`;
    case 'contains':
      return `contains ${c.field}`;
    case 'istrue':
      return `${c.field} is true`;
    case 'isfalse':
      return `${c.field} is false`;
    case 'compare':
      return `${operand(c.left)} ${c.op} ${operand(c.right)}`;
  }
}
