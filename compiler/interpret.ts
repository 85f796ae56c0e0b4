import type { RuleNode, RuleTree } from './rule-tree.js';
import { evaluate } from '../runtime/evaluate.js';
import { truthy } from '../grammar/perl-values.js';
import type { Message, Pipeline, PipelineRuntime, PluginInstance } from '../runtime/pipeline-api.js';

/**
 * interpret runs a rule tree by walking it, exactly as the original reactor
 * does. It is the reference the compiled modules are tested against.
 */
export function interpret(tree: RuleTree, rt: PipelineRuntime): Pipeline {
  const instances = new Map<RuleNode, PluginInstance>();
  const prepare = (rules: readonly RuleNode[]): void => {
    for (const r of rules) {
      if (r.plugin) instances.set(r, rt.plugin(r.plugin.name, r.plugin.config, r.name ?? ''));
      prepare(r.children);
    }
  };
  prepare(tree.rules);

  const level = (rules: readonly RuleNode[], m: Message): void => {
    for (const r of rules) {
      if (truthy(m.last_rule)) return;
      if (r.condition && !(r.condition.ast && evaluate(r.condition.ast, m))) continue;
      rt.rulelog(m, `${rt.hostname}:${r.name ?? ''}`);
      if (r.children.length) level(r.children, m);
      instances.get(r)?.react(m);
      if (r.lastRule) m.last_rule = 1;
    }
  };
  return (m) => level(tree.rules, m);
}
