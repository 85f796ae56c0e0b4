import { createRequire } from 'node:module';
import type { CodeBlockWriter } from 'ts-morph';
import type { Cond } from '../../grammar/ast.js';
import { testHelpers, type Types } from '../../grammar/kinds/index.js';
import type { Plan, RuleStep, Step } from '../optimize/plan.js';
import { pluginWrites } from '../optimize/writes.js';
import { CondEmitter } from './conditions.js';
import { ident, lit } from './lit.js';

/** prelude is the helpers every module defines from rt.values and the kinds of test; fixed code, no user text. */
function prelude(ty: Types): string[] {
  return [
    'const { truthy, str, num, isTrue, isFalse } = rt.values;',
    'const rulelog = rt.rulelog;',
    'const hasOwn = Object.hasOwn;',
    `const own = (m${ty(': Message')}, k${ty(': string')})${ty(': unknown')} => (hasOwn(m, k) ? m[k] : undefined);`,
    ...testHelpers(ty),
  ];
}

interface Emitted {
  plugins: string[];
  entries: string[];
  dispatch: string[];
}

function collectConds(steps: readonly Step[], out: Cond[] = []): Cond[] {
  for (const s of steps) {
    if (s.kind === 'rule') {
      if (s.cond) out.push(s.cond);
      collectConds(s.children, out);
    } else for (const c of s.cases) collectConds(c.steps, out);
  }
  return out;
}

class ModuleEmitter {
  readonly conds = new CondEmitter();
  readonly decls: Emitted = { plugins: [], entries: [], dispatch: [] };

  constructor(
    private readonly plan: Plan,
    private readonly ty: Types,
  ) {
    if (plan.optimized) this.conds.useMemo(collectConds(plan.steps));
  }

  body(w: CodeBlockWriter): void {
    w.writeLine('if (truthy(m["last_rule"])) return;');
    const slots = [...this.conds.memo.values()].map((s) => `${s.name} = 0`);
    if (slots.length) w.writeLine(`let ${slots.join(', ')};`);
    this.steps(w, this.plan.steps);
  }

  private steps(w: CodeBlockWriter, steps: readonly Step[]): void {
    for (const s of steps) {
      if (s.kind === 'rule') this.rule(w, s);
      else this.dispatchStep(w, s);
    }
  }

  private lines(w: CodeBlockWriter, lines: readonly string[]): void {
    for (const l of lines) w.writeLine(l);
  }

  private rule(w: CodeBlockWriter, s: RuleStep): void {
    const r = s.rule;
    this.conds.rule = r.name ?? '';
    const tests = [
      ...(s.checkLastRule ? ['!truthy(m["last_rule"])'] : []),
      ...(s.cond ? [`(${this.conds.expr(s.cond)})`] : []),
    ];
    const entry = ident('n', this.decls.entries.length);
    this.decls.entries.push(`const ${entry} = rt.hostname + ":" + ${lit(r.name ?? '')};`);
    const inner = (): void => {
      w.writeLine(`rulelog(m, ${entry});`);
      this.lines(w, this.conds.resets(new Set(['wubot_rulelog'])));
      this.steps(w, s.children);
      if (r.plugin) {
        const p = ident('p', this.decls.plugins.length);
        this.decls.plugins.push(`const ${p} = rt.plugin(${lit(r.plugin.name)}, ${lit(r.plugin.config)}, ${lit(r.name ?? '')});`);
        w.writeLine(`${p}.react(m);`);
        this.lines(w, this.conds.resets(pluginWrites(r)));
      }
      if (r.lastRule) {
        w.writeLine('m["last_rule"] = 1;');
        this.lines(w, this.conds.resets(new Set(['last_rule'])));
      }
    };
    if (tests.length) w.write(`if (${tests.join(' && ')}) `).block(inner);
    else w.block(inner);
  }

  private dispatchStep(w: CodeBlockWriter, s: Extract<Step, { kind: 'dispatch' }>): void {
    const map = ident('d', this.decls.dispatch.length);
    const pairs = s.cases.map((c, i) => `[${lit(c.value)}, ${i}]`).join(', ');
    this.decls.dispatch.push(`const ${map} = new Map${this.ty('<string, number>')}([${pairs}]);`);
    const emit = (): void => {
      w.writeLine(`const v = ${this.conds.read(s.field)};`);
      w.write(`switch (truthy(v) ? ${map}.get(str(v)) : undefined) `).block(() => {
        s.cases.forEach((c, i) => {
          w.write(`case ${i}: `).block(() => this.steps(w, c.steps));
          w.writeLine('break;');
        });
      });
    };
    if (s.checkLastRule) w.write('if (!truthy(m["last_rule"])) ').block(emit);
    else w.block(emit);
  }
}

/** Writer is ts-morph's CodeBlockWriter, loaded when a module is emitted (lint never pays for loading ts-morph). */
let Writer: typeof CodeBlockWriter | undefined;

/**
 * emitModule is the emit stage: one TypeScript module for a plan (or the same
 * as JavaScript, for the module cache: TypeScript's transpiler takes 25 s and
 * 2 GB for the module of 80,000 rules). Its default export builds the
 * pipeline for a runtime; every string from the config enters through lit().
 * The text is written straight out: a ts-morph source file would parse it
 * again after each addition, which for 80,000 rules took most of a minute and
 * gigabytes.
 */
export function emitModule(plan: Plan, sourceHash: string, language: 'ts' | 'js' = 'ts'): string {
  const ty: Types = language === 'ts' ? (annotation) => annotation : () => '';
  Writer ??= (createRequire(import.meta.url)('ts-morph') as { CodeBlockWriter: typeof CodeBlockWriter }).CodeBlockWriter;
  const e = new ModuleEmitter(plan, ty);
  // the body is written first, because writing it declares the regexes, plugins and maps it uses
  const body = new Writer({ indentNumberOfSpaces: 4 });
  body.write(`function run(m${ty(': Message')})${ty(': void')} `).block(() => e.body(body));
  const w = new Writer({ indentNumberOfSpaces: 4 });
  w.writeLine('// Generated by wubotc from a rule file. Do not edit.');
  if (language === 'ts') w.writeLine('import type { Message, Pipeline, PipelineRuntime } from "wubot/pipeline";').blankLine();
  w.writeLine(`export const sourceHash = ${lit(sourceHash)};`);
  w.blankLine();
  w.write(`export default function createPipeline(rt${ty(': PipelineRuntime')})${ty(': Pipeline')} `).block(() => {
    for (const l of prelude(ty)) w.writeLine(l);
    for (const r of e.conds.regexes.values()) w.writeLine(`const ${r.name} = rt.regex(${lit(r.source)}, ${r.icase}, ${lit(r.rule)});`);
    for (const l of [...e.decls.dispatch, ...e.decls.plugins, ...e.decls.entries]) w.writeLine(l);
    w.write(body.toString().trimEnd()).newLine();
    w.writeLine('return run;');
  });
  return w.newLine().toString();
}
