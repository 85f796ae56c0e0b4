import type { Cond } from '../../grammar/ast.js';
import { alwaysStops, firing } from '../reachability.js';
import type { RuleNode, RuleTree } from '../rule-tree.js';
import { fold } from './fold.js';
import { mayWrite, subtreeWrites } from './writes.js';

/** RuleStep runs one rule: test, rulelog, children, plugin, last_rule. */
export interface RuleStep {
  readonly kind: 'rule';
  readonly rule: RuleNode;
  /** cond is the condition to test; undefined when the rule always fires. */
  readonly cond?: Cond;
  /** checkLastRule: last_rule may be set here, so it must be tested first. */
  readonly checkLastRule: boolean;
  readonly children: Step[];
}

/** DispatchStep runs a run of sibling rules that test one field with `equals`, by one map lookup. */
export interface DispatchStep {
  readonly kind: 'dispatch';
  readonly field: string;
  readonly checkLastRule: boolean;
  /** cases in order of first appearance; each holds its rules in source order. */
  readonly cases: { readonly value: string; readonly steps: RuleStep[] }[];
}

export type Step = RuleStep | DispatchStep;

/** Plan is a rule tree ready to emit. */
export interface Plan {
  readonly steps: Step[];
  readonly optimized: boolean;
}

/** A run needs this many rules before a map lookup beats a chain of tests. */
const MIN_DISPATCH = 3;

function maySetLastRule(rule: RuleNode): boolean {
  return mayWrite(subtreeWrites(rule), 'last_rule');
}

function equalsField(rule: RuleNode, cond: Cond | undefined): string | undefined {
  if (cond?.kind !== 'equals') return undefined;
  if (cond.field === 'wubot_rulelog' || cond.field === 'last_rule') return undefined;
  return mayWrite(subtreeWrites(rule), cond.field) ? undefined : cond.field;
}

interface Level {
  steps: Step[];
}

class Planner {
  level(rules: readonly RuleNode[], lastRuleKnownFalse: boolean): Level {
    const live = rules.filter((r) => firing(r) !== 'never');
    const steps: Step[] = [];
    let known = lastRuleKnownFalse;
    for (let i = 0; i < live.length; i++) {
      const run = this.dispatchRun(live, i);
      if (run.length >= MIN_DISPATCH) {
        const field = (this.cond(run[0]) as Extract<Cond, { kind: 'equals' }>).field;
        const byValue = new Map<string, RuleNode[]>();
        for (const r of run) {
          const v = (this.cond(r) as Extract<Cond, { kind: 'equals' }>).value;
          byValue.set(v, [...(byValue.get(v) ?? []), r]);
        }
        const cases = [...byValue].map(([value, rs]) => {
          // the dispatch itself tests last_rule when needed, so each case starts with it false
          let k = true;
          const caseSteps = rs.map((r) => {
            const s = this.rule(r, k, false);
            if (maySetLastRule(r)) k = false;
            return s;
          });
          return { value, steps: caseSteps };
        });
        steps.push({ kind: 'dispatch', field, checkLastRule: !known, cases });
        if (run.some(maySetLastRule)) known = false;
        i += run.length - 1;
        continue;
      }
      const r = live[i];
      steps.push(this.rule(r, known, true));
      if (maySetLastRule(r)) known = false;
      if (alwaysStops(r)) break;
    }
    return { steps };
  }

  private cond(r: RuleNode): Cond | undefined {
    if (!r.condition?.ast) return undefined;
    const f = fold(r.condition.ast);
    return f.kind === 'const' && f.value ? undefined : f;
  }

  private dispatchRun(rules: readonly RuleNode[], start: number): RuleNode[] {
    const field = equalsField(rules[start], this.cond(rules[start]));
    if (field === undefined) return [];
    const run = [rules[start]];
    for (let j = start + 1; j < rules.length && equalsField(rules[j], this.cond(rules[j])) === field; j++) run.push(rules[j]);
    return run;
  }

  private rule(r: RuleNode, known: boolean, withCond: boolean): RuleStep {
    return {
      kind: 'rule',
      rule: r,
      cond: withCond ? this.cond(r) : undefined,
      checkLastRule: !known,
      children: this.level(r.children, true).steps,
    };
  }
}

function literalLevel(rules: readonly RuleNode[]): Step[] {
  return rules.map((r) => ({
    kind: 'rule',
    rule: r,
    cond: r.condition?.ast,
    checkLastRule: true,
    children: literalLevel(r.children),
  }));
}

/**
 * planTree is the optimize stage. Optimized: constant folding, dead rules
 * removed, sibling `equals` tests on one field dispatched by a map lookup,
 * and last_rule tested only where it may have been set. Not optimized: the
 * tree as written, for differential testing.
 */
export function planTree(tree: RuleTree, optimize = true): Plan {
  if (!optimize) return { steps: literalLevel(tree.rules), optimized: false };
  // the emitted function tests last_rule on entry, so the top level starts with it false
  return { steps: new Planner().level(tree.rules, true).steps, optimized: true };
}
