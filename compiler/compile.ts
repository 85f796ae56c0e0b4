import { createHash } from 'node:crypto';
import { hasErrors, type Diagnostic } from '../grammar/diagnostics/diagnostic.js';
import { emitModule } from './emit/module.js';
import { planTree, type Plan } from './optimize/plan.js';
import type { RuleTree } from './rule-tree.js';
import { checkTree } from './stages/check.js';
import { monitorPlugins } from '../stdlib/monitors/index.js';
import { instanceShape, loadRuleTree, type FileShape, type ReadFile } from './stages/load.js';
import { parseConditions } from './stages/parse.js';

/** CompileOptions select the stages' behaviour. */
export interface CompileOptions {
  /** optimize: fold, drop dead rules, dispatch and memoize (default true). */
  readonly optimize?: boolean;
  /** until: the last stage to run (default emit); lint runs until check, the loop check until parse. */
  readonly until?: StageName;
  /** language: of the emitted module, TypeScript (default) or JavaScript (for the module cache). */
  readonly language?: 'ts' | 'js';
  readonly text?: string;
  readonly readFile?: ReadFile;
  /** instanceOf: the file is an instance of this monitor plugin, whose rules are under `react:`. */
  readonly instanceOf?: string;
}

/** Compilation is what compile made of a file: each stage's output that was reached, and every finding. */
export interface Compilation {
  readonly path: string;
  readonly options: CompileOptions;
  readonly diagnostics: Diagnostic[];
  readonly tree?: RuleTree;
  /** root is the file's top-level mapping as data (for an instance: its configuration). */
  readonly root?: Record<string, unknown>;
  readonly plan?: Plan;
  readonly sourceHash?: string;
  readonly code?: string;
  /** timings: how long each stage that ran took, in ms */
  readonly timings: Readonly<Partial<Record<StageName, number>>>;
}

/** Source is the compiler's input: a file's path and how to read and compile it. */
export interface Source {
  readonly path: string;
  readonly options: CompileOptions;
}

/** Loaded is the load stage's output: the rule tree with its conditions as text, its plugins and their configs checked. */
export interface Loaded {
  readonly source: Source;
  readonly tree: RuleTree;
  readonly root?: Record<string, unknown>;
}

/** Parsed is the parse stage's output: every condition of the tree has its AST (`condition.ast`) and its regexes were checked. */
export interface Parsed extends Loaded {
  readonly parsed: true;
}

/** Planned is the optimize stage's output: the plan the emitter writes out. */
export interface Planned extends Parsed {
  readonly plan: Plan;
}

/** Emitted is the emit stage's output: the module and the hash of what it was made from. */
export interface Emitted extends Planned {
  readonly sourceHash: string;
  readonly code: string;
}

/** Stage is one named step of the compiler: a function of the previous stage's output, with its findings. */
export interface Stage<I, O> {
  readonly name: StageName;
  /** stopOnErrors: later stages do not run when errors were reported up to here. */
  readonly stopOnErrors: boolean;
  run(input: I): { readonly output: O; readonly diagnostics: readonly Diagnostic[] };
}

const STAGE_NAMES = ['load', 'parse', 'check', 'optimize', 'emit'] as const;
export type StageName = (typeof STAGE_NAMES)[number];

function shapeFor(instanceOf: string | undefined): FileShape | undefined {
  if (instanceOf === undefined) return undefined;
  const def = monitorPlugins.get(instanceOf);
  if (!def) throw new Error(`compile: unknown monitor plugin ${instanceOf}`);
  return instanceShape(def);
}

const load: Stage<Source, Loaded> = {
  name: 'load',
  // a file with load errors still has its conditions parsed: the findings of both are shown together
  stopOnErrors: false,
  run: (source) => {
    const { options } = source;
    const r = loadRuleTree(source.path, options.text, options.readFile, shapeFor(options.instanceOf));
    return { output: { source, tree: r.tree, ...(r.root ? { root: r.root } : {}) }, diagnostics: r.diagnostics };
  },
};

const parse: Stage<Loaded, Parsed> = {
  name: 'parse',
  stopOnErrors: true,
  run: (loaded) => ({ diagnostics: parseConditions(loaded.tree), output: { ...loaded, parsed: true } }),
};

const check: Stage<Parsed, Parsed> = {
  name: 'check',
  stopOnErrors: true,
  run: (parsed) => ({ output: parsed, diagnostics: checkTree(parsed.tree) }),
};

const optimize: Stage<Parsed, Planned> = {
  name: 'optimize',
  stopOnErrors: false,
  run: (parsed) => ({ output: { ...parsed, plan: planTree(parsed.tree, parsed.source.options.optimize ?? true) }, diagnostics: [] }),
};

const emit: Stage<Planned, Emitted> = {
  name: 'emit',
  stopOnErrors: false,
  run: (planned) => {
    const { options } = planned.source;
    const hash = sourceHash(planned.tree, options.optimize ?? true);
    return { output: { ...planned, sourceHash: hash, code: emitModule(planned.plan, hash, options.language) }, diagnostics: [] };
  },
};

/** stages is the compiler, in order: each stage's input is the output of the one before. */
export const stages = [load, parse, check, optimize, emit] as const;

/** sourceHash identifies the inputs of a compiled module: every file it read and the optimize switch. */
export function sourceHash(tree: RuleTree, optimize: boolean): string {
  const h = createHash('sha256').update(optimize ? 'optimized\n' : 'literal\n');
  for (const f of tree.files) h.update(`${f.text.length}\n${f.text}\n`);
  return h.digest('hex');
}

/** compile runs the stages over one rule file, up to `until`, stopping where errors stop them. */
export function compile(path: string, options: CompileOptions = {}): Compilation {
  const diagnostics: Diagnostic[] = [];
  const timings: Partial<Record<StageName, number>> = {};
  /** step runs one stage; undefined when the stages after it must not run */
  const step = <I, O>(stage: Stage<I, O>, input: I): O | undefined => {
    const t0 = performance.now();
    const r = stage.run(input);
    timings[stage.name] = performance.now() - t0;
    for (const d of r.diagnostics) diagnostics.push(d);
    return stage.stopOnErrors && hasErrors(diagnostics) ? undefined : r.output;
  };
  const last = STAGE_NAMES.indexOf(options.until ?? 'emit');
  const runs = (stage: { name: StageName }) => STAGE_NAMES.indexOf(stage.name) <= last;
  // load never stops the stages (stopOnErrors is false): its output is always there
  const loaded = step(load, { path, options })!;
  const parsed = runs(parse) ? step(parse, loaded) : undefined;
  const checked = parsed && runs(check) ? step(check, parsed) : undefined;
  const planned = checked && runs(optimize) ? step(optimize, checked) : undefined;
  const emitted = planned && runs(emit) ? step(emit, planned) : undefined;
  const reached = emitted ?? planned ?? loaded;
  return {
    path,
    options,
    diagnostics,
    timings,
    tree: reached.tree,
    ...(reached.root ? { root: reached.root } : {}),
    ...(planned ? { plan: planned.plan } : {}),
    ...(emitted ? { sourceHash: emitted.sourceHash, code: emitted.code } : {}),
  };
}
