import { homedir } from 'node:os';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { readFastYaml } from '../../grammar/yaml-fast.js';
import { dataOf, isYamlMap, isYamlScalar, isYamlSeq, nodeAtPath, nodeSpan, scalarText, type YamlDocument, type YamlMap, type YamlNode } from '../../grammar/yaml-nodes.js';
import { readYamlDocument } from '../../grammar/yaml-source.js';
import { isCounting } from '../../grammar/scalar-offsets.js';
import { genericKeys, type MonitorPluginDef } from '../../stdlib/monitor-plugin.js';
import type { ConfigProblem, JsonSchema } from '../../stdlib/plugin.js';
import { readConfigFile } from '../../runtime/config-file.js';
import { truthy } from '../../grammar/perl-values.js';
import { parseTimeLength } from '../../grammar/time-length.js';
import { reactorPlugins } from '../../stdlib/index.js';
import { diagnostic, type Diagnostic } from '../../grammar/diagnostics/diagnostic.js';
import { SourceFile, span } from '../../grammar/diagnostics/source.js';
import { closest } from '../../grammar/diagnostics/suggest.js';
import { walkRules, type ConditionSource, type PluginUse, type RuleNode, type RuleTree } from '../rule-tree.js';
import { ruleFileSchema } from '../schema/rule-file-schema.js';
import { validateAgainst } from '../schema/validate.js';
import { asPerlConfig, checkPluginConfig, perlScalars } from './plugin-config.js';

/** FileShape says what a file's top level holds and where its rules are. */
export interface FileShape {
  readonly what: string;
  readonly rulesKey: string;
  readonly schema: object;
  check?(data: Record<string, unknown>): ConfigProblem[];
  /** prepare gives the file's data the values its plugin reads (numbers written as text, as Perl reads them). */
  prepare?(data: Record<string, unknown>): Record<string, unknown>;
  /** knownKeys, when given, are the top-level keys read; any other is warned about and ignored, as the original ignores it. */
  readonly knownKeys?: readonly string[];
}

const ruleFileShape: FileShape = { what: 'the rule file', rulesKey: 'rules', schema: ruleFileSchema };

/** ReadFile reads a file's text; the language server passes one that sees unsaved buffers. */
export type ReadFile = (path: string) => string;

const ruleCodes = { type: 'schemaType', unknownKey: 'unknownKey', missing: 'missingKey' } as const;

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? homedir() + path.slice(1) : path;
}

/** displayPath shows a file relative to the working directory when it lies below it. */
function displayPath(abs: string): string {
  const rel = relative(process.cwd(), abs);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
}

/** LoadedFile is one file the load stage read: its document, the shape it must have, and its data as the original loads it. */
export interface LoadedFile {
  readonly doc: YamlDocument & { readonly root: YamlMap };
  readonly shape: FileShape;
  readonly data: Record<string, unknown>;
}

/** readDocument reads a file's YAML: the fast way when it is written the usual way, else in full. */
function readDocument(path: string, text: string): { doc: YamlDocument; diagnostics: Diagnostic[] } {
  const fast = readFastYaml(path, text);
  return fast ? { doc: fast, diagnostics: [] } : readYamlDocument(path, text);
}

/** TreeBuilder makes the rule tree of a file and of the files it includes, from their documents. */
class TreeBuilder {
  readonly diagnostics: Diagnostic[] = [];
  readonly files: SourceFile[] = [];
  readonly loaded: LoadedFile[] = [];
  /** configs are the rules' config nodes, for the validate stage to place its findings; the tree holds the configs as data */
  readonly configs = new Map<RuleNode, YamlNode>();
  private nextId = 0;

  constructor(private readonly readFile: ReadFile) {}

  /** file loads one rule file (or instance file) and returns its rules; `stack` holds the files including it. */
  file(path: string, text: string, stack: string[], shape: FileShape = ruleFileShape): RuleNode[] {
    const { doc, diagnostics } = readDocument(path, text);
    this.files.push(doc.file);
    this.diagnostics.push(...diagnostics);
    if (diagnostics.some((d) => d.severity === 'error')) return [];
    const root = doc.root;
    if (!isYamlMap(root)) {
      const rules = shape.rulesKey === 'rules' ? ' with a `rules:` list' : '';
      this.diagnostics.push(diagnostic('notAMapping', nodeSpan(doc.file, root), `${shape.what} must be a mapping${rules}`));
      return [];
    }
    const raw = dataOf(root) as Record<string, unknown>;
    const data = shape.prepare ? shape.prepare(raw) : raw;
    this.loaded.push({ doc: { file: doc.file, root }, shape, data });
    return this.list(root.get(shape.rulesKey), doc.file, [...stack, resolve(path)]);
  }

  private list(node: YamlNode | undefined, file: SourceFile, stack: string[]): RuleNode[] {
    if (!isYamlSeq(node)) return [];
    const out: RuleNode[] = [];
    for (const item of node.items) if (isYamlMap(item)) out.push(this.rule(item, file, stack));
    return out;
  }

  private rule(map: YamlMap, file: SourceFile, stack: string[]): RuleNode {
    const id = this.nextId++;
    const nameNode = map.get('name');
    const lastRule = map.get('last_rule');
    const children = this.list(map.get('rules'), file, stack);
    const rulesfile = map.get('rulesfile');
    if (isYamlScalar(rulesfile) && typeof rulesfile.value === 'string') children.push(...this.include(rulesfile, rulesfile.value, file, stack));
    const rulesfileField = map.pair('rulesfile_field');
    if (rulesfileField) {
      this.diagnostics.push(
        diagnostic('unsupportedKey', nodeSpan(file, rulesfileField.key), '`rulesfile_field` is not supported', {
          hint: 'rule files are compiled ahead of time; name the file with `rulesfile`',
        }),
      );
    }
    const configNode = map.get('config');
    const rule: RuleNode = {
      id,
      name: nameNode ? scalarText(nameNode) : undefined,
      file,
      span: nodeSpan(file, map),
      condition: this.condition(map.get('condition'), file),
      plugin: this.plugin(map.get('plugin'), configNode, file),
      lastRule: lastRule !== undefined && truthy(dataOf(lastRule)),
      children,
    };
    if (configNode) this.configs.set(rule, configNode);
    return rule;
  }

  /** condition is a rule's condition; a Perl-false one (`''`, `0`, `~`, `false`) is none, and the rule always fires, as in the original. */
  private condition(node: YamlNode | undefined, file: SourceFile): ConditionSource | undefined {
    if (!isYamlScalar(node)) return undefined;
    const text = scalarText(node) ?? '';
    if (!truthy(text)) {
      this.diagnostics.push(
        diagnostic('conditionEmpty', nodeSpan(file, node), `condition \`${node.source || JSON.stringify(text)}\` is false to Perl, so it is no condition: the rule always fires, as in the original`, {
          hint: 'remove `condition:` for a rule that always fires, or write FALSE for one that never does',
        }),
      );
      return undefined;
    }
    const offsets = node.offsets();
    return { text, file, at: offsets[0], ...(isCounting(offsets) ? {} : { offsets }) };
  }

  /** plugin is a rule's plugin, its definition looked up and its config read as Perl reads it; the validate stage checks both. */
  private plugin(nameNode: YamlNode | undefined, configNode: YamlNode | undefined, file: SourceFile): PluginUse | undefined {
    if (!isYamlScalar(nameNode) || typeof nameNode.value !== 'string') return undefined;
    const name = nameNode.value;
    const def = reactorPlugins.get(name);
    const config = (isYamlMap(configNode) ? dataOf(configNode) : {}) as Record<string, unknown>;
    return { name, span: nodeSpan(file, nameNode), ...(def ? { def } : {}), config: def ? asPerlConfig(def, config) : config };
  }

  private include(node: YamlNode, target: string, file: SourceFile, stack: string[]): RuleNode[] {
    const path = resolve(dirname(file.path), expandHome(target));
    const at = nodeSpan(file, node);
    if (stack.includes(path)) {
      this.diagnostics.push(
        diagnostic('rulesfileCycle', at, `\`${target}\` includes itself`, {
          notes: [`inclusion chain: ${[...stack, path].map(displayPath).join(' → ')}`],
        }),
      );
      return [];
    }
    let text: string;
    try {
      text = this.readFile(path);
    } catch (e) {
      this.diagnostics.push(diagnostic('rulesfileMissing', at, `cannot read rulesfile \`${displayPath(path)}\`: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`));
      return [];
    }
    return this.file(displayPath(path), text, stack);
  }
}

/** LoadResult is the load stage's output: the rule tree, the files it was read from, and what kept them from being read. */
export interface LoadResult {
  readonly tree: RuleTree;
  /** files are the files read, each with the shape the validate stage checks it against. */
  readonly files: readonly LoadedFile[];
  /** configs are the nodes of the rules' configs, where the validate stage shows what is wrong with them. */
  readonly configs: ReadonlyMap<RuleNode, YamlNode>;
  readonly diagnostics: Diagnostic[];
  /** root is the top-level mapping of a file that is not a rule file, as plain data (an instance's configuration). */
  readonly root?: Record<string, unknown>;
}

/**
 * loadRuleTree is the load stage: the file and the rule files it includes
 * read as YAML (the fast reader for the usual style, the YAML library for
 * anything else: it takes seconds and a gigabyte for a 10 MB file) and
 * built into one rule tree. What the files hold is checked by the validate
 * stage.
 */
export function loadRuleTree(path: string, text?: string, readFile: ReadFile = readConfigFile, shape: FileShape = ruleFileShape): LoadResult {
  if (text === undefined) {
    try {
      text = readFile(resolve(path));
    } catch (e) {
      const at = span(new SourceFile(path, ''), 0, 0);
      const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      return { tree: { path, files: [at.file], rules: [] }, files: [], configs: new Map(), diagnostics: [diagnostic('rulesfileMissing', at, `cannot read \`${displayPath(resolve(path))}\`: ${why}`)] };
    }
  }
  const builder = new TreeBuilder(readFile);
  const rules = builder.file(path, text, [], shape);
  // a rule file's data is its rules, which the tree holds; an instance's or the web UI's is its configuration
  const root = shape === ruleFileShape ? undefined : builder.loaded[0]?.data;
  return { tree: { path, files: builder.files, rules }, files: builder.loaded, configs: builder.configs, diagnostics: builder.diagnostics, ...(root ? { root } : {}) };
}

/** validateFiles is the validate stage: each file against its shape, and each rule's plugin and config against the plugin's definition. */
export function validateFiles(files: readonly LoadedFile[], tree: RuleTree, configs: ReadonlyMap<RuleNode, YamlNode>): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const { doc, shape, data } of files) {
    out.push(...validateAgainst(shape.schema, data, doc.root, doc.file, ruleCodes, shape.what));
    if (shape.knownKeys) out.push(...ignoredKeys(doc.root, shape.knownKeys, doc.file, shape.what));
    for (const p of shape.check?.(data) ?? []) {
      const at = nodeAtPath(doc.root, p.path) ?? doc.root;
      out.push(diagnostic(p.missing ? 'missingKey' : p.differs ? 'readDifferently' : 'schemaType', nodeSpan(doc.file, at), p.message));
    }
  }
  walkRules(tree.rules, (rule) => {
    const use = rule.plugin;
    if (!use) return;
    if (!use.def) {
      const suggestion = closest(use.name, reactorPlugins.keys());
      out.push(
        diagnostic('unknownPlugin', use.span, `unknown plugin \`${use.name}\``, {
          hint: suggestion ? `did you mean \`${suggestion}\`?` : `the plugins are ${[...reactorPlugins.keys()].sort().join(', ')}`,
        }),
      );
    } else out.push(...checkPluginConfig(use.def, use.config, configs.get(rule), use.span, rule.file));
  });
  return out;
}

/** ignoredKeys warns about the top-level keys of a file that nothing reads. */
function ignoredKeys(root: YamlMap, known: readonly string[], file: SourceFile, what: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (let i = 0; i < root.size; i++) {
    const key = root.name(i);
    if (known.includes(key)) continue;
    const suggestion = closest(key, known);
    out.push(
      diagnostic('ignoredKey', nodeSpan(file, root.key(i)), `\`${key}\` is not a key of ${what}: ignored, as the original ignores it`, {
        hint: suggestion ? `did you mean \`${suggestion}\`?` : `the keys read are ${known.map((k) => `\`${k}\``).join(', ')}`,
      }),
    );
  }
  return out;
}

const shapes = new WeakMap<MonitorPluginDef, FileShape>();

/**
 * instanceShape is the shape of a monitor instance file: the plugin's keys,
 * the generic ones, and `react:` rules. Other keys are warned about, not
 * refused: the original ignored what a plugin does not read (`enable: 1`).
 */
export function instanceShape(def: MonitorPluginDef): FileShape {
  const known = shapes.get(def);
  if (known) return known;
  const own = (def.schema.properties as Record<string, JsonSchema> | undefined) ?? {};
  const properties = { ...own, ...genericKeys };
  const shape: FileShape = {
    what: `the ${def.name} instance`,
    rulesKey: 'react',
    schema: {
      type: 'object',
      properties,
      required: def.schema.required ?? [],
      $defs: ruleFileSchema.$defs,
    },
    knownKeys: Object.keys(properties),
    prepare: (data) => perlScalars(def.schema, data),
    check: (data) => [
      ...['delay', 'rand', 'timeout']
        .filter((k) => truthy(data[k]) && !((parseTimeLength(data[k]) ?? -1) >= 0))
        .map((k) => ({ path: [k], message: `\`${k}\` is not a time length: write 30, 5s, 15m, 1h30m, 12h 1m or 2d` })),
      // the original read units in `delay` only: elsewhere Perl took the leading number (`timeout: 5m` was 5 seconds)
      ...['rand', 'timeout']
        .filter((k) => typeof data[k] === 'string' && /[A-Za-z]/.test(data[k]) && (parseTimeLength(data[k]) ?? -1) >= 0)
        .map((k) => ({ path: [k], differs: true, message: `\`${k}: ${String(data[k])}\` is ${parseTimeLength(data[k])} seconds here; the original read units only in \`delay\` and took ${parseFloat(String(data[k])) || 0} seconds: write the number of seconds` })),
      ...(def.check?.(data) ?? []),
    ],
  };
  shapes.set(def, shape);
  return shape;
}
