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
  /** emit: produce TypeScript (default true); lint stops before it. */
  readonly emit?: boolean;
  /** language: of the emitted module, TypeScript (default) or JavaScript (for the module cache). */
  readonly language?: 'ts' | 'js';
  readonly text?: string;
  readonly readFile?: ReadFile;
  /** instanceOf: the file is an instance of this monitor plugin, whose rules are under `react:`. */
  readonly instanceOf?: string;
}

/** Compilation is the state the stages pass along. */
export interface Compilation {
  readonly path: string;
  readonly options: CompileOptions;
  diagnostics: Diagnostic[];
  tree?: RuleTree;
  /** root is the file's top-level mapping as data (for an instance: its configuration). */
  root?: Record<string, unknown>;
  plan?: Plan;
  sourceHash?: string;
  code?: string;
  timings: Record<string, number>;
}

/** Stage is one named step of the compiler; a stage may stop the pipeline by reporting errors. */
export interface Stage {
  readonly name: string;
  /** stopOnErrors: later stages do not run when errors were reported up to here. */
  readonly stopOnErrors: boolean;
  run(c: Compilation): void;
}

function shapeFor(instanceOf: string | undefined): FileShape | undefined {
  if (instanceOf === undefined) return undefined;
  const def = monitorPlugins.get(instanceOf);
  if (!def) throw new Error(`compile: unknown monitor plugin ${instanceOf}`);
  return instanceShape(def);
}

/** stages is the compiler, in order. */
export const stages: readonly Stage[] = [
  {
    name: 'load',
    stopOnErrors: false,
    run: (c) => {
      const r = loadRuleTree(c.path, c.options.text, c.options.readFile, shapeFor(c.options.instanceOf));
      c.tree = r.tree;
      c.root = r.root;
      c.diagnostics.push(...r.diagnostics);
    },
  },
  { name: 'parse', stopOnErrors: true, run: (c) => c.diagnostics.push(...parseConditions(c.tree!)) },
  { name: 'check', stopOnErrors: true, run: (c) => c.diagnostics.push(...checkTree(c.tree!)) },
  { name: 'optimize', stopOnErrors: false, run: (c) => (c.plan = planTree(c.tree!, c.options.optimize ?? true)) },
  {
    name: 'emit',
    stopOnErrors: false,
    run: (c) => {
      c.sourceHash = sourceHash(c.tree!, c.options.optimize ?? true);
      c.code = emitModule(c.plan!, c.sourceHash, c.options.language);
    },
  },
];

/** sourceHash identifies the inputs of a compiled module: every file it read and the optimize switch. */
export function sourceHash(tree: RuleTree, optimize: boolean): string {
  const h = createHash('sha256').update(optimize ? 'optimized\n' : 'literal\n');
  for (const f of tree.files) h.update(`${f.text.length}\n${f.text}\n`);
  return h.digest('hex');
}

/** compile runs the stages over one rule file, stopping at errors and before emit for lint. */
export function compile(path: string, options: CompileOptions = {}): Compilation {
  const c: Compilation = { path, options, diagnostics: [], timings: {} };
  for (const stage of stages) {
    if (stage.name === 'optimize' && options.emit === false) break;
    const t0 = performance.now();
    stage.run(c);
    c.timings[stage.name] = performance.now() - t0;
    if (stage.stopOnErrors && hasErrors(c.diagnostics)) break;
  }
  return c;
}
