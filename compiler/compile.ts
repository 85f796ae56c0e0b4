import { createHash } from 'node:crypto';
import { hasErrors, type Diagnostic } from '../grammar/diagnostics/diagnostic.js';
import { emitModule } from './emit/module.js';
import { planTree, type Plan } from './optimize/plan.js';
import type { RuleNode, RuleTree } from './rule-tree.js';
import type { YamlNode } from '../grammar/yaml-nodes.js';
import { checkTree } from './stages/check.js';
import { monitorPlugins } from '../stdlib/monitors/index.js';
import { instanceShape, loadRuleTree, validateFiles, type FileShape, type LoadedFile, type ReadFile } from './stages/load.js';
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
  /** shape: what the file holds when it is neither a rule file nor an instance (the web UI's config). */
  readonly shape?: FileShape;
}

/** Compilation is what compile made of a file: each stage's output that was reached, and every finding. */
export interface Compilation {
  readonly path: string;
  readonly options: CompileOptions;
  readonly diagnostics: Diagnostic[];
  readonly tree?: RuleTree;
  /** files are the files read as positioned YAML, with the shape each must have (given when `until` is load or validate). */
  readonly files?: readonly LoadedFile[];
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

/** Loaded is the load stage's output: the files read as positioned YAML, and the rule tree built from them, its conditions as text. */
export interface Loaded {
  readonly source: Source;
  readonly tree: RuleTree;
  readonly files: readonly LoadedFile[];
  /** configs are where each rule's config is written, for the validate stage. */
  readonly configs: ReadonlyMap<RuleNode, YamlNode>;
  readonly root?: Record<string, unknown>;
}

/**
 * Validated is the validate stage's output: the files were checked against
 * their shapes, and each plugin's config against its definition. The files
 * are not passed on: the stages after it read the tree, and a big file's
 * nodes are let go.
 */
export interface Validated extends Omit<Loaded, 'files' | 'configs'> {
  readonly validated: true;
}

/** Parsed is the parse stage's output: a new tree whose conditions have their ASTs (`condition.ast`), their regexes checked. */
export interface Parsed extends Validated {
  readonly parsed: true;
}

/** Checked is the check stage's output: the parsed tree, with nothing found in it that keeps it from running. */
export interface Checked extends Parsed {
  readonly checked: true;
}

/** Planned is the optimize stage's output: the plan the emitter writes out. */
export interface Planned extends Checked {
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

const STAGE_NAMES = ['load', 'validate', 'parse', 'check', 'optimize', 'emit'] as const;
export type StageName = (typeof STAGE_NAMES)[number];

function shapeFor({ shape, instanceOf }: CompileOptions): FileShape | undefined {
  if (shape) return shape;
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
    const r = loadRuleTree(source.path, options.text, options.readFile, shapeFor(options));
    return { output: { source, tree: r.tree, files: r.files, configs: r.configs, ...(r.root ? { root: r.root } : {}) }, diagnostics: r.diagnostics };
  },
};

const validate: Stage<Loaded, Validated> = {
  name: 'validate',
  // as load: a file with a bad config still has its conditions parsed
  stopOnErrors: false,
  run: ({ files, configs, ...loaded }) => ({ output: { ...loaded, validated: true }, diagnostics: validateFiles(files, loaded.tree, configs) }),
};

const parse: Stage<Validated, Parsed> = {
  name: 'parse',
  stopOnErrors: true,
  run: (validated) => {
    const r = parseConditions(validated.tree);
    return { diagnostics: r.diagnostics, output: { ...validated, tree: r.tree, parsed: true } };
  },
};

const check: Stage<Parsed, Checked> = {
  name: 'check',
  stopOnErrors: true,
  run: (parsed) => ({ output: { ...parsed, checked: true }, diagnostics: checkTree(parsed.tree) }),
};

const optimize: Stage<Checked, Planned> = {
  name: 'optimize',
  stopOnErrors: false,
  run: (checked) => ({ output: { ...checked, plan: planTree(checked.tree, checked.source.options.optimize ?? true) }, diagnostics: [] }),
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
export const stages = [load, validate, parse, check, optimize, emit] as const;

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
  const last = STAGE_NAMES.indexOf(options.until ?? 'emit');
  let stopped = false;
  /** step runs one stage, unless it is past `until` or errors stopped the stages before it */
  const step = <I, O>(stage: Stage<I, O>, input: I): O | undefined => {
    if (stopped || STAGE_NAMES.indexOf(stage.name) > last) return undefined;
    const t0 = performance.now();
    const r = stage.run(input);
    timings[stage.name] = performance.now() - t0;
    for (const d of r.diagnostics) diagnostics.push(d);
    stopped = stage.stopOnErrors && hasErrors(diagnostics);
    return r.output;
  };
  // load never stops the stages (stopOnErrors is false): its output is always there
  let loaded: Loaded | undefined = step(load, { path, options })!;
  const validated = step(validate, loaded);
  // the files' nodes are kept only for a caller that stops here; a big file's are let go before the tree is parsed
  const files = last <= STAGE_NAMES.indexOf('validate') ? loaded.files : undefined;
  const loadedRoot = loaded.root;
  const loadedTree = loaded.tree;
  loaded = undefined;
  const parsed = validated && step(parse, validated);
  const checked = parsed && step(check, parsed);
  const planned = checked && step(optimize, checked);
  const emitted = planned && step(emit, planned);
  const reached = emitted ?? planned ?? checked ?? parsed ?? validated ?? { tree: loadedTree, root: loadedRoot };
  return {
    path,
    options,
    diagnostics,
    timings,
    tree: reached.tree,
    ...(files ? { files } : {}),
    ...(reached.root ? { root: reached.root } : {}),
    ...(planned ? { plan: planned.plan } : {}),
    ...(emitted ? { sourceHash: emitted.sourceHash, code: emitted.code } : {}),
  };
}
