import { fieldsOf, filled, lookUp, splitInto } from '../../stdlib/field-effects.js';
import { truthy } from '../../grammar/perl-values.js';
import { changedFields } from '../../stdlib/plugin.js';
import { ruleEffect } from '../optimize/writes.js';
import type { RuleNode, RuleTree } from '../rule-tree.js';
import { ABSENT, factsKey, knownTrue, NO_FACTS, truth, withFact, type Facts, type Known } from './abstract-message.js';

/*
 * A rule tree run over facts instead of a message, as the interpreter runs
 * it (children before the rule's plugin, last_rule stopping later rules).
 * A condition that may or may not hold splits the run in two; runs that
 * reach the same facts are merged, so a tree costs a few runs, not 2^rules.
 */

/** Guard is a condition on the way that decided a run only for some messages. */
export interface Guard {
  readonly rule: RuleNode;
}

/** Run is one way through a tree: the facts so far, and the guards that were `maybe` on the way. */
export interface Run {
  readonly facts: Facts;
  readonly guards: readonly Guard[];
}

/** Queued is a rule that appends to a queue (MessageQueue) a run reached, with what the message was then. */
export interface Queued {
  readonly rule: RuleNode;
  readonly directory: string;
  readonly run: Run;
}

/** MAX_RUNS bounds the runs kept at a time; past it, runs are merged into one that knows less. */
const MAX_RUNS = 32;

/** applyPlugin gives the facts after a rule's plugin ran; only fields some condition reads (`relevant`) are followed. */
export function applyPlugin(rule: RuleNode, f: Facts, relevant: ReadonlySet<string>): Facts {
  const e = ruleEffect(rule);
  if (changedFields(e) === 'any') return NO_FACTS;
  const scalar = (v: unknown): Known | undefined => (v === null || ['string', 'number', 'boolean'].includes(typeof v) ? { value: v } : undefined);
  let out = f;
  // with unlessTrue a true value stays: what the field holds is then known only when it was known false
  for (const s of e.sets ?? []) if (relevant.has(s.field)) out = withFact(out, s.field, s.unlessTrue && !knownFalse(f.get(s.field)) ? undefined : scalar(s.value));
  for (const d of e.deletes ?? []) if (relevant.has(d)) out = withFact(out, d, ABSENT);
  for (const c of e.copies ?? []) {
    if (!relevant.has(c.to)) continue;
    // a missing source writes null, which `contains` sees
    const source = f.get(c.from);
    out = withFact(out, c.to, source && 'absent' in source ? { value: null } : source);
  }
  // a lookup or a fill is followed when every field it reads is known, by the function the plugin runs
  const known = (names: readonly string[]): Record<string, unknown> | undefined => {
    const m: Record<string, unknown> = Object.create(null);
    for (const n of names) {
      const k = f.get(n);
      if (k === undefined) return undefined;
      if (!('absent' in k)) m[n] = k.value;
    }
    return m;
  };
  for (const l of e.lookups ?? []) {
    if (!relevant.has(l.to)) continue;
    const m = known([l.from, l.to]);
    if (m) lookUp(l, m);
    out = withFact(out, l.to, m ? (Object.hasOwn(m, l.to) ? scalar(m[l.to]) : ABSENT) : undefined);
  }
  for (const fill of e.fills ?? []) {
    if (!relevant.has(fill.to)) continue;
    const m = known(fieldsOf(fill));
    out = withFact(out, fill.to, m ? { value: filled(fill, m) } : undefined);
  }
  for (const s of e.splits ?? []) {
    const m = known([s.from]);
    if (m) splitInto(s, m);
    for (const t of s.to) if (relevant.has(t)) out = withFact(out, t, m ? scalar(m[t]) : undefined);
  }
  for (const w of e.writes ?? []) if (out.has(w)) out = withFact(out, w, undefined);
  return out;
}

function knownFalse(k: Known | undefined): boolean {
  return k !== undefined && ('absent' in k || !truthy(k.value));
}

function merge(runs: Run[]): Run[] {
  if (runs.length < 2) return runs;
  const byFacts = new Map<string, Run>();
  for (const r of runs) {
    const key = factsKey(r.facts);
    const seen = byFacts.get(key);
    // the same facts: keep the run that needed fewer guards
    if (!seen || r.guards.length < seen.guards.length) byFacts.set(key, r);
  }
  const out = [...byFacts.values()];
  if (out.length <= MAX_RUNS) return out;
  // too many: one run that knows only what they all agree on
  const [first, ...rest] = out;
  const same = (a: Known | undefined, b: Known) => a !== undefined && JSON.stringify(a) === JSON.stringify(b);
  const facts = new Map([...first.facts].filter(([k, v]) => rest.every((r) => same(r.facts.get(k), v))));
  // a message reaches this point whenever one of them does: it needed no more guards than the one needing fewest
  const fewest = out.reduce((a, b) => (b.guards.length < a.guards.length ? b : a));
  return [{ facts, guards: fewest.guards }];
}

/** runTree runs a tree from one run, and gives every MessageQueue rule reached and the runs that came out at the end. */
export function runTree(tree: RuleTree, start: Run, relevant: ReadonlySet<string>): { queued: Queued[]; runs: Run[] } {
  const queued: Queued[] = [];
  const level = (rules: readonly RuleNode[], runs: Run[]): Run[] => {
    for (const r of rules) {
      const next: Run[] = [];
      const active: Run[] = [];
      for (const run of runs) {
        if (knownTrue(run.facts.get('last_rule'))) {
          next.push(run);
          continue;
        }
        // last_rule unknown counts as not set: a rule that sets it is itself a rule of this tree
        const t = r.condition?.ast ? truth(r.condition.ast, run.facts) : r.condition ? 'false' : 'true';
        if (t === 'false') next.push(run);
        else if (t === 'true') active.push(run);
        else {
          next.push(run);
          active.push({ facts: run.facts, guards: [...run.guards, { rule: r }] });
        }
      }
      if (active.length) {
        let done = r.children.length ? level(r.children, active) : active;
        const queue = ruleEffect(r).queue;
        if (typeof queue === 'string') for (const run of done) queued.push({ rule: r, directory: queue, run });
        done = done.map((run) => ({ facts: applyPlugin(r, run.facts, relevant), guards: run.guards }));
        if (r.lastRule) done = done.map((run) => ({ facts: withFact(run.facts, 'last_rule', { value: 1 }), guards: run.guards }));
        next.push(...done);
      }
      runs = merge(next);
    }
    return runs;
  };
  const runs = level(tree.rules, [start]);
  return { queued, runs };
}
