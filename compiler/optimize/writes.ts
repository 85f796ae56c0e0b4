import { ANY_EFFECT, changedFields, type Effect } from '../../stdlib/plugin.js';
import type { RuleNode } from '../rule-tree.js';

/** Writes is the set of fields a rule may change, or 'any'. */
export type Writes = ReadonlySet<string> | 'any';

/** ruleEffect is what a rule's own plugin does to a message, as its definition declares. */
export function ruleEffect(rule: RuleNode): Effect {
  if (!rule.plugin) return {};
  return rule.plugin.def?.effect(rule.plugin.config) ?? ANY_EFFECT;
}

/** pluginWrites is what one rule's own plugin may change. */
export function pluginWrites(rule: RuleNode): Writes {
  const w = changedFields(ruleEffect(rule));
  return w === 'any' ? 'any' : new Set(w);
}

const memo = new WeakMap<RuleNode, Writes>();

/** subtreeWrites is what running a rule (rulelog, children, plugin, last_rule) may change. */
export function subtreeWrites(rule: RuleNode): Writes {
  let w = memo.get(rule);
  if (!w) {
    w = computeSubtreeWrites(rule);
    memo.set(rule, w);
  }
  return w;
}

function computeSubtreeWrites(rule: RuleNode): Writes {
  const out = new Set<string>(['wubot_rulelog']);
  if (rule.lastRule) out.add('last_rule');
  const own = pluginWrites(rule);
  if (own === 'any') return 'any';
  for (const f of own) out.add(f);
  for (const c of rule.children) {
    const w = subtreeWrites(c);
    if (w === 'any') return 'any';
    for (const f of w) out.add(f);
  }
  return out;
}

/** mayWrite tells whether a Writes may change a field. */
export function mayWrite(w: Writes, field: string): boolean {
  return w === 'any' || w.has(field);
}
