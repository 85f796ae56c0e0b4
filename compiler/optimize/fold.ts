import type { Cond } from '../../grammar/ast.js';
import { testConstant } from '../../grammar/kinds/index.js';
import { ENV } from '../../runtime/evaluate.js';

function constant(value: boolean, span: Cond['span']): Cond {
  return { kind: 'const', value, span };
}

/**
 * fold simplifies a condition without changing its meaning: groups are
 * dropped, constants propagate through AND/OR/NOT, and tests whose kind says
 * no message changes them (`F equals 0`, `F matches 0`, comparisons of two
 * numbers) become constants. Tests have no side effects, so dropping one is always safe.
 */
export function fold(c: Cond): Cond {
  switch (c.kind) {
    case 'group':
      return fold(c.inner);
    case 'choose': {
      const on = fold(c.on);
      if (on.kind === 'const') return fold(on.value ? c.then : c.else);
      const then = fold(c.then);
      const otherwise = fold(c.else);
      if (then.kind === 'const' && otherwise.kind === 'const' && then.value === otherwise.value) return constant(then.value, c.span);
      return { ...c, on, then, else: otherwise };
    }
    case 'not': {
      const x = fold(c.operand);
      return x.kind === 'const' ? constant(!x.value, c.span) : { ...c, operand: x };
    }
    case 'and':
    case 'or': {
      const l = fold(c.left);
      const r = fold(c.right);
      const absorbing = c.kind === 'or';
      if (l.kind === 'const') return l.value === absorbing ? constant(absorbing, c.span) : r;
      if (r.kind === 'const') return r.value === absorbing ? constant(absorbing, c.span) : l;
      return { ...c, left: l, right: r };
    }
    case 'const':
      return c;
    default: {
      const k = testConstant(c, ENV);
      return k === undefined ? c : constant(k, c.span);
    }
  }
}

/** isLiteral tells whether a condition is written as a bare TRUE or FALSE. */
export function isLiteral(c: Cond): boolean {
  return c.kind === 'const' || (c.kind === 'group' && isLiteral(c.inner));
}
