import { diagnostic, type Diagnostic } from '../../grammar/diagnostics/diagnostic.js';
import { walkRules, type RuleTree } from '../rule-tree.js';

/** ruleNames warns about rules without a name: wubot_rulelog shows them as `host:`. */
export function ruleNames(tree: RuleTree): Diagnostic[] {
  const out: Diagnostic[] = [];
  walkRules(tree.rules, (r) => {
    if (r.name === undefined || r.name === '') {
      out.push(diagnostic('ruleWithoutName', r.span, 'rule has no name', { hint: 'add `name:`; the name is what wubot_rulelog records' }));
    }
  });
  return out;
}
