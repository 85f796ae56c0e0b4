import type { CompareOp, Cond, Operand } from '../grammar/ast.js';
import { perlRegex } from './perl-matcher.js';
import { isFalse, isTrue, num, str, truthy } from './perl-values.js';
import type { Message } from './pipeline-api.js';

/** field reads a message's own field only: `constructor` or `__proto__` are fields like any other. */
function field(m: Message, name: string): unknown {
  return Object.hasOwn(m, name) ? m[name] : undefined;
}

function operand(o: Operand, m: Message): number | undefined {
  return o.kind === 'number' ? o.value : num(field(m, o.name));
}

/** evaluate is the reference meaning of a condition for a message, as the original wubot's istrue. */
export function evaluate(c: Cond, m: Message): boolean {
  switch (c.kind) {
    case 'and':
      return evaluate(c.left, m) && evaluate(c.right, m);
    case 'or':
      return evaluate(c.left, m) || evaluate(c.right, m);
    case 'not':
      return !evaluate(c.operand, m);
    case 'group':
      return evaluate(c.inner, m);
    case 'choose':
      return evaluate(c.on, m) ? evaluate(c.then, m) : evaluate(c.else, m);
    case 'const':
      return c.value;
    case 'equals': {
      const v = field(m, c.field);
      return truthy(v) && str(v) === c.value;
    }
    case 'matches': {
      const v = field(m, c.field);
      return truthy(c.field) && truthy(c.regex) && truthy(v) && perlRegex(c.regex, { icase: c.icase }).test(str(v));
    }
    case 'contains':
      return Object.hasOwn(m, c.field);
    case 'istrue':
      return isTrue(field(m, c.field));
    case 'isfalse':
      return isFalse(field(m, c.field));
    case 'compare': {
      const a = operand(c.left, m);
      const b = operand(c.right, m);
      return a !== undefined && b !== undefined && compareNumbers(c.op, a, b);
    }
  }
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
