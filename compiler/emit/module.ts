import type { Cond } from '../../grammar/ast.js';
import { code, joinCode, name, type Code } from '../../grammar/code.js';
import type { Types } from '../../grammar/kinds/index.js';
import { HELPERS } from '../../grammar/module-helpers.js';
import type { Plan, RuleStep, Step } from '../optimize/plan.js';
import { pluginWrites } from '../optimize/writes.js';
import type { Effect } from '../../stdlib/plugin.js';
import { fieldsOf } from '../../stdlib/field-effects.js';
import { CondEmitter, INHERITED } from './conditions.js';
import { CodeWriter as Out } from './writer.js';

/** HELPERS_PACKAGE is where a module from `wubotc compile` imports its helpers from (grammar/module-helpers.ts, as this package exports it). */
export const HELPERS_PACKAGE = 'wubot/helpers';

/** helpersUrl is the helpers module of this build, which the module cache's modules import (the cache's fingerprint holds the build's place). */
export function helpersUrl(): string {
  return new URL('../../grammar/module-helpers.js', import.meta.url).href;
}

/** prelude gives the module the helpers by the names its code calls them; fixed code, no user text. */
function prelude(): Code[] {
  const names = joinCode(Object.keys(HELPERS).map((k) => name(k)), ', ');
  return [code`const { ${names} } = HELPERS;`, code`const rulelog = rt.rulelog;`];
}

interface Emitted {
  plugins: Code[];
  /** values: structured values that inlined plugins copy into messages */
  values: Code[];
  entries: Code[];
  dispatch: Code[];
}

/** collectReads lists the conditions of a plan and the fields its dispatches read. */
function collectReads(steps: readonly Step[], out: { conds: Cond[]; dispatched: string[] } = { conds: [], dispatched: [] }): typeof out {
  for (const s of steps) {
    if (s.kind === 'rule') {
      if (s.cond) out.conds.push(s.cond);
      collectReads(s.children, out);
    } else {
      out.dispatched.push(s.field);
      for (const c of s.cases) collectReads(c.steps, out);
    }
  }
  return out;
}

class ModuleEmitter {
  readonly conds = new CondEmitter();
  readonly decls: Emitted = { plugins: [], values: [], entries: [], dispatch: [] };

  constructor(
    private readonly plan: Plan,
    private readonly ty: Types,
  ) {
    if (plan.optimized) {
      const { conds, dispatched } = collectReads(plan.steps);
      this.conds.useMemo(conds, dispatched);
    }
  }

  body(w: Out): void {
    w.line(code`if (truthy(m["last_rule"])) return;`);
    const ty = this.ty;
    const slots = [
      ...[...this.conds.memo.values()].map((s) => code`${s.name} = 0`),
      ...[...this.conds.fields.values()].map((s) => code`${s.name}${s.of === 'text' ? ty(code`: string | undefined | null`) : ty(code`: number | undefined | null`)} = null`),
    ];
    if (slots.length) w.line(code`let ${joinCode(slots, ', ')};`);
    this.steps(w, this.plan.steps);
  }

  private steps(w: Out, steps: readonly Step[]): void {
    for (const s of steps) {
      if (s.kind === 'rule') this.rule(w, s);
      else this.dispatchStep(w, s);
    }
  }

  private rule(w: Out, s: RuleStep): void {
    const r = s.rule;
    this.conds.rule = r.name ?? '';
    const tests = [
      ...(s.checkLastRule ? [code`!truthy(m["last_rule"])`] : []),
      ...(s.cond ? [code`(${this.conds.expr(s.cond)})`] : []),
    ];
    const entry = name('n', this.decls.entries.length);
    this.decls.entries.push(code`const ${entry} = rt.hostname + ":" + ${r.name ?? ''};`);
    const inner = (): void => {
      w.line(code`rulelog(m, ${entry});`);
      w.lines(this.conds.resets(new Set(['wubot_rulelog'])));
      this.steps(w, s.children);
      if (r.plugin) {
        const inline = this.inline(r.plugin.def?.effect(r.plugin.config));
        if (inline) w.lines(inline);
        else {
          const p = name('p', this.decls.plugins.length);
          this.decls.plugins.push(code`const ${p} = rt.plugin(${r.plugin.name}, ${r.plugin.config}, ${r.name ?? ''});`);
          w.line(code`${p}.react(m);`);
        }
        w.lines(this.conds.resets(pluginWrites(r)));
      }
      if (r.lastRule) {
        w.line(code`m["last_rule"] = 1;`);
        w.lines(this.conds.resets(new Set(['last_rule'])));
      }
    };
    w.block(tests.length ? code`if (${joinCode(tests, ' && ')}) ` : undefined, inner);
  }

  /**
   * inline is a plugin's exact effect written out (copies, lookups, fills,
   * splits, sets, deletes, as the plugin does them, stdlib/field-effects.ts), or undefined when it has none or touches a field
   * whose name an object inherits (`constructor`, `__proto__`): those go
   * through the plugin.
   */
  private inline(effect: Effect | undefined): Code[] | undefined {
    if (!effect?.exact) return undefined;
    const { copies = [], lookups = [], fills = [], splits = [], sets = [], deletes = [] } = effect;
    const fields = [
      ...copies.flatMap((c) => [c.from, c.to]),
      ...lookups.flatMap((l) => [l.from, l.to]),
      ...fills.flatMap((f) => [f.to, ...fieldsOf(f)]),
      ...splits.flatMap((s) => [s.from, ...s.to]),
      ...sets.map((s) => s.field),
      ...deletes,
    ];
    if (fields.some((f) => INHERITED.has(f)) || effect.writes !== undefined || effect.queue !== undefined) return undefined;
    const out: Code[] = [];
    for (const c of copies) out.push(code`m[${c.to}] = hasOwn(m, ${c.from}) ? m[${c.from}] : null;`);
    for (const l of lookups) {
      const table = name('v', this.decls.values.length);
      this.decls.values.push(code`const ${table} = ${l.table};`);
      out.push(code`{ const k = txt(m[${l.from}]); if (k !== undefined && hasOwn(${table}, k)) m[${l.to}] = ${table}[k]; }`);
    }
    for (const f of fills) {
      const parts = f.parts.map((p) => (typeof p === 'string' ? code`${p}` : code`ftxt(m[${p.field}])`));
      out.push(code`m[${f.to}] = ${parts.length ? joinCode(parts, ' + ') : code`""`};`);
    }
    for (const s of splits) {
      const assign = [...s.to].reverse().map((t) => code`m[${t}] = parts.pop() ?? null;`);
      out.push(code`{ const parts = commaParts(m[${s.from}]); ${joinCode(assign, ' ')} }`);
    }
    for (const s of sets) {
      let value = code`${s.value ?? null}`;
      if (s.value !== null && typeof s.value === 'object') {
        // each message gets its own copy of a structured value, as the plugin gives it
        const v = name('v', this.decls.values.length);
        this.decls.values.push(code`const ${v} = ${s.value};`);
        value = code`structuredClone(${v})`;
      }
      out.push(s.unlessTrue ? code`if (!truthy(own(m, ${s.field}))) m[${s.field}] = ${value};` : code`m[${s.field}] = ${value};`);
    }
    for (const d of deletes) out.push(code`delete m[${d}];`);
    return out;
  }

  private dispatchStep(w: Out, s: Extract<Step, { kind: 'dispatch' }>): void {
    const map = name('d', this.decls.dispatch.length);
    const pairs = joinCode(
      s.cases.map((c, i) => code`[${c.value}, ${i}]`),
      ', ',
    );
    this.decls.dispatch.push(code`const ${map} = new Map${this.ty(code`<string, number>`)}([${pairs}]);`);
    const emit = (): void => {
      w.line(code`const v = ${this.conds.text(s.field)};`);
      w.block(code`switch (v !== undefined ? ${map}.get(v) : undefined) `, () => {
        s.cases.forEach((c, i) => {
          w.block(code`case ${i}: `, () => this.steps(w, c.steps));
          w.line(code`break;`);
        });
      });
    };
    w.block(s.checkLastRule ? code`if (!truthy(m["last_rule"])) ` : undefined, emit);
  }
}

/**
 * emitModule is the emit stage: one TypeScript module for a plan (or the same
 * as JavaScript, for the module cache: TypeScript's transpiler takes 25 s and
 * 2 GB for the module of 80,000 rules). Its default export builds the
 * pipeline for a runtime; all of it is built by `code` templates
 * (grammar/code.ts), which quote every value from the config, and written
 * line by line (writer.ts): a ts-morph source file would parse it again
 * after each addition, which for 80,000 rules took most of a minute and
 * gigabytes, and even ts-morph's line writer loads all of TypeScript.
 */
export function emitModule(plan: Plan, sourceHash: string, language: 'ts' | 'js' = 'ts'): string {
  const none = code``;
  const ty: Types = language === 'ts' ? (annotation) => annotation : () => none;
  const e = new ModuleEmitter(plan, ty);
  // the body is written first, because writing it declares the regexes, plugins and maps it uses
  const body = new Out();
  body.block(code`function run(m${ty(code`: Message`)})${ty(code`: void`)} `, () => e.body(body));
  const w = new Out();
  w.line(code`// Generated by wubotc from a rule file. Do not edit.`);
  if (language === 'ts') w.line(code`import type { Message, Pipeline, PipelineRuntime } from "wubot/pipeline";`);
  w.line(code`import { HELPERS } from ${language === 'ts' ? HELPERS_PACKAGE : helpersUrl()};`).blankLine();
  w.line(code`export const sourceHash = ${sourceHash};`);
  w.blankLine();
  w.block(code`export default function createPipeline(rt${ty(code`: PipelineRuntime`)})${ty(code`: Pipeline`)} `, () => {
    w.lines(prelude());
    for (const r of e.conds.regexes.values()) w.line(code`const ${r.name} = rt.regex(${r.source}, ${r.icase}, ${r.rule});`);
    w.lines([...e.decls.dispatch, ...e.decls.values, ...e.decls.plugins, ...e.decls.entries]);
    w.embed(body);
    w.line(code`return run;`);
  });
  return w.toString();
}
