import { hasUnparseable } from '../../grammar/ast.js';
import { diagnostic, type Diagnostic } from '../../grammar/diagnostics/diagnostic.js';
import { fold, isLiteral } from '../optimize/fold.js';
import { conditionSpan, walkRules, type RuleTree } from '../rule-tree.js';

/** constantConditions warns about conditions that are always true or always false, unless written as TRUE or FALSE. */
export function constantConditions(tree: RuleTree): Diagnostic[] {
  const out: Diagnostic[] = [];
  walkRules(tree.rules, (r) => {
    const c = r.condition;
    // an unparseable test has its own warning, which says it is false
    if (!c?.ast || isLiteral(c.ast) || hasUnparseable(c.ast)) return;
    const f = fold(c.ast);
    if (f.kind !== 'const') return;
    const notes = f.value
      ? []
      : ['`F equals V` and `F matches R` need a true value on both sides: `equals 0`, `equals ""` and `matches 0` never hold, as in the original'];
    out.push(
      diagnostic('conditionConstant', conditionSpan(c, c.ast.span), `condition is always ${f.value ? 'true' : 'false'}`, {
        notes,
        hint: f.value ? 'remove the condition, or write TRUE' : 'use `F is false` to test for a false value, or remove the rule',
      }),
    );
  });
  return out;
}
