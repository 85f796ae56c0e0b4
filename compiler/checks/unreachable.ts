import { diagnostic, type Diagnostic } from '../../grammar/diagnostics/diagnostic.js';
import { unreachableRules } from '../reachability.js';
import type { RuleTree } from '../rule-tree.js';

/** unreachable warns about rules that can never run. */
export function unreachable(tree: RuleTree): Diagnostic[] {
  return unreachableRules(tree.rules)
    .filter((u) => !(u.reason.startsWith('its condition') && u.rule.condition?.ast?.kind === 'const'))
    .map((u) =>
      diagnostic('ruleNeverRuns', u.rule.span, `rule ${u.rule.name !== undefined ? `\`${u.rule.name}\` ` : ''}can never run: ${u.reason}`, {
        secondary: u.because ? [{ span: u.because.span, text: 'this rule always fires and stops further rules' }] : [],
      }),
    );
}
