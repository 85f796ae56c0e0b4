import type { Cond } from '../../grammar/ast.js';
import { unparse } from '../../grammar/unparse.js';
import { diagnostic, type Diagnostic } from '../../grammar/diagnostics/diagnostic.js';
import { conditionSpan, walkRules, type RuleTree } from '../rule-tree.js';

function mixes(c: Cond): boolean {
  switch (c.kind) {
    case 'and':
      return c.left.kind === 'or' || c.right.kind === 'or' || mixes(c.left) || mixes(c.right);
    case 'or':
      return mixes(c.left) || mixes(c.right);
    case 'not':
      return mixes(c.operand);
    case 'group':
      return mixes(c.inner);
    case 'choose':
      return mixes(c.on) || mixes(c.then) || mixes(c.else);
    default:
      return false;
  }
}

/** mixedAndOr warns where AND and OR meet without parentheses, showing how the original groups them. */
export function mixedAndOr(tree: RuleTree): Diagnostic[] {
  const out: Diagnostic[] = [];
  walkRules(tree.rules, (r) => {
    const c = r.condition;
    if (!c?.ast || !mixes(c.ast)) return;
    out.push(
      diagnostic('mixedAndOr', conditionSpan(c, c.ast.span), 'AND and OR are mixed without parentheses', {
        notes: [`this groups as \`${unparse(c.ast, true)}\`: AND binds looser than OR, as in the original wubot`],
        hint: 'add `( … )` (with a space inside each parenthesis) to make the grouping explicit',
      }),
    );
  });
  return out;
}
