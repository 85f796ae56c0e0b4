import { fold } from './optimize/fold.js';
import { mayWrite, pluginWrites } from './optimize/writes.js';
import type { RuleNode } from './rule-tree.js';

/** firing tells whether a rule's condition is always, never, or sometimes true. */
export function firing(rule: RuleNode): 'always' | 'never' | 'maybe' {
  if (!rule.condition) return 'always';
  if (!rule.condition.ast) return 'maybe';
  const f = fold(rule.condition.ast);
  if (f.kind !== 'const') return 'maybe';
  return f.value ? 'always' : 'never';
}

/**
 * alwaysStops tells whether running this rule surely sets last_rule, which
 * stops every later sibling (and every later rule of its ancestors). What its
 * children set, its own plugin, which runs after them, may clear.
 */
export function alwaysStops(rule: RuleNode): boolean {
  if (firing(rule) !== 'always') return false;
  if (rule.lastRule) return true;
  return levelAlwaysStops(rule.children) && !mayWrite(pluginWrites(rule), 'last_rule');
}

/** levelAlwaysStops tells whether some rule of a list surely sets last_rule. */
export function levelAlwaysStops(rules: readonly RuleNode[]): boolean {
  return rules.some(alwaysStops);
}

/** Unreachable is a rule that can never run, with the reason. */
export interface Unreachable {
  readonly rule: RuleNode;
  readonly reason: string;
  readonly because?: RuleNode;
}

/** unreachableRules finds rules that never run: false conditions, or after a rule that always stops. */
export function unreachableRules(rules: readonly RuleNode[], out: Unreachable[] = []): Unreachable[] {
  let stopper: RuleNode | undefined;
  for (const r of rules) {
    if (stopper) {
      out.push({ rule: r, reason: 'an earlier rule always fires and sets last_rule', because: stopper });
      continue;
    }
    if (firing(r) === 'never') {
      out.push({ rule: r, reason: 'its condition is always false' });
      continue;
    }
    unreachableRules(r.children, out);
    if (alwaysStops(r)) stopper = r;
  }
  return out;
}
