import { homedir } from 'node:os';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import { scalarOffsets } from '../../grammar/scalar-offsets.js';
import { nodeAtPath, nodeSpan, pairOf, parseYaml, scalarText, type YamlFile } from '../../grammar/yaml-source.js';
import { genericKeys, type MonitorPluginDef } from '../../stdlib/monitor-plugin.js';
import type { ConfigProblem, JsonSchema } from '../../stdlib/plugin.js';
import { readConfigFile } from '../../runtime/config-file.js';
import { truthy } from '../../grammar/perl-values.js';
import { parseTimeLength } from '../../grammar/time-length.js';
import { reactorPlugins } from '../../stdlib/index.js';
import { diagnostic, type Diagnostic } from '../../grammar/diagnostics/diagnostic.js';
import { SourceFile, span } from '../../grammar/diagnostics/source.js';
import { closest } from '../../grammar/diagnostics/suggest.js';
import type { ConditionSource, PluginUse, RuleNode, RuleTree } from '../rule-tree.js';
import { ruleFileSchema } from '../schema/rule-file-schema.js';
import { validateAgainst } from '../schema/validate.js';
import { asPerlConfig, checkPluginConfig, perlScalars } from './plugin-config.js';
import { fastRuleTree } from './fast-load.js';

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

class Loader {
  readonly diagnostics: Diagnostic[] = [];
  readonly files: SourceFile[] = [];
  private nextId = 0;

  constructor(private readonly readFile: ReadFile) {}

  /** root is the top-level mapping of the first file, as plain data. */
  root?: Record<string, unknown>;

  /** file loads one rule file (or instance file) and returns its rules; `stack` holds the files including it. */
  file(path: string, text: string, stack: string[], shape: FileShape = ruleFileShape): RuleNode[] {
    const { yaml, diagnostics } = parseYaml(path, text);
    this.files.push(yaml.file);
    this.diagnostics.push(...diagnostics);
    if (diagnostics.some((d) => d.severity === 'error')) return [];
    const root = yaml.doc.contents as Node | null;
    if (!isMap(root)) {
      const rules = shape.rulesKey === 'rules' ? ' with a `rules:` list' : '';
      this.diagnostics.push(diagnostic('notAMapping', nodeSpan(yaml.file, root), `${shape.what} must be a mapping${rules}`));
      return [];
    }
    const raw = yaml.doc.toJS() as Record<string, unknown>;
    const data = shape.prepare ? shape.prepare(raw) : raw;
    this.root ??= data;
    this.diagnostics.push(...validateAgainst(shape.schema, data, root, yaml.file, ruleCodes, shape.what));
    if (shape.knownKeys) this.diagnostics.push(...ignoredKeys(root, shape.knownKeys, yaml, shape.what));
    for (const p of shape.check?.(data) ?? []) {
      const at = nodeAtPath(root, p.path) ?? root;
      this.diagnostics.push(diagnostic(p.missing ? 'missingKey' : p.differs ? 'readDifferently' : 'schemaType', nodeSpan(yaml.file, at), p.message));
    }
    return this.list(pairOf(root, shape.rulesKey)?.value ?? undefined, yaml, [...stack, resolve(path)]);
  }

  private list(node: Node | undefined, yaml: YamlFile, stack: string[]): RuleNode[] {
    if (!isSeq(node)) return [];
    const out: RuleNode[] = [];
    for (const item of node.items) if (isMap(item)) out.push(this.rule(item, yaml, stack));
    return out;
  }

  private rule(map: YAMLMap, yaml: YamlFile, stack: string[]): RuleNode {
    const file = yaml.file;
    const id = this.nextId++;
    const get = (k: string): Node | undefined => pairOf(map, k)?.value ?? undefined;
    const nameNode = get('name');
    const name = nameNode ? scalarText(nameNode) : undefined;
    const condition = this.condition(get('condition'), yaml);
    const plugin = this.plugin(get('plugin'), get('config'), yaml);
    const lastRuleNode = get('last_rule');
    const children = this.list(get('rules'), yaml, stack);
    const rulesfile = get('rulesfile');
    if (isScalar(rulesfile) && typeof rulesfile.value === 'string') {
      children.push(...this.include(rulesfile, rulesfile.value, yaml, stack));
    }
    const rulesfileField = pairOf(map, 'rulesfile_field');
    if (rulesfileField) {
      this.diagnostics.push(
        diagnostic('unsupportedKey', nodeSpan(file, rulesfileField.key as Node), '`rulesfile_field` is not supported', {
          hint: 'rule files are compiled ahead of time; name the file with `rulesfile`',
        }),
      );
    }
    return {
      id,
      name,
      file,
      span: nodeSpan(file, map),
      condition,
      plugin,
      lastRule: lastRuleNode !== undefined && truthy(lastRuleNode.toJSON()),
      children,
    };
  }

  /** condition is a rule's condition; a Perl-false one (`''`, `0`, `~`, `false`) is none, and the rule always fires, as in the original. */
  private condition(node: Node | undefined, yaml: YamlFile): ConditionSource | undefined {
    if (!isScalar(node)) return undefined;
    const text = scalarText(node) ?? '';
    if (!truthy(text)) {
      this.diagnostics.push(
        diagnostic('conditionEmpty', nodeSpan(yaml.file, node), `condition \`${node.type === 'PLAIN' && node.source ? node.source : JSON.stringify(text)}\` is false to Perl, so it is no condition: the rule always fires, as in the original`, {
          hint: 'remove `condition:` for a rule that always fires, or write FALSE for one that never does',
        }),
      );
      return undefined;
    }
    return { text, file: yaml.file, offsets: scalarOffsets(yaml.file.text, node, text) };
  }

  private plugin(nameNode: Node | undefined, configNode: Node | undefined, yaml: YamlFile): PluginUse | undefined {
    if (!isScalar(nameNode) || typeof nameNode.value !== 'string') return undefined;
    const name = nameNode.value;
    const span = nodeSpan(yaml.file, nameNode);
    const def = reactorPlugins.get(name);
    const config = (isMap(configNode) ? configNode.toJS(yaml.doc) : {}) as Record<string, unknown>;
    if (!def) {
      const suggestion = closest(name, reactorPlugins.keys());
      this.diagnostics.push(
        diagnostic('unknownPlugin', span, `unknown plugin \`${name}\``, {
          hint: suggestion ? `did you mean \`${suggestion}\`?` : `the plugins are ${[...reactorPlugins.keys()].sort().join(', ')}`,
        }),
      );
      return { name, span, config, configNode };
    }
    const perl = asPerlConfig(def, config);
    this.diagnostics.push(...checkPluginConfig(def, perl, configNode, span, yaml));
    return { name, span, def, config: perl, configNode };
  }

  private include(node: Node, target: string, yaml: YamlFile, stack: string[]): RuleNode[] {
    const path = resolve(dirname(yaml.file.path), expandHome(target));
    const at = nodeSpan(yaml.file, node);
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

/** LoadResult is the load stage's output: the rule tree and what was wrong with it. */
export interface LoadResult {
  readonly tree: RuleTree;
  readonly diagnostics: Diagnostic[];
  /** root is the file's top-level mapping as plain data (an instance's configuration; not given for a rule file read the fast way). */
  readonly root?: Record<string, unknown>;
}

/**
 * loadRuleTree is the load stage: YAML with positions, the rule-file schema,
 * plugin lookup and plugin config schemas, and included rule files. A rule
 * file in the usual style is read by the fast reader (the YAML library takes
 * seconds and a gigabyte for a 10 MB file), anything else in full.
 */
export function loadRuleTree(path: string, text?: string, readFile: ReadFile = readConfigFile, shape: FileShape = ruleFileShape): LoadResult {
  if (text === undefined) {
    try {
      text = readFile(resolve(path));
    } catch (e) {
      const at = span(new SourceFile(path, ''), 0, 0);
      const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      return { tree: { path, files: [at.file], rules: [] }, diagnostics: [diagnostic('rulesfileMissing', at, `cannot read \`${displayPath(resolve(path))}\`: ${why}`)] };
    }
  }
  const fast = shape === ruleFileShape ? fastRuleTree(path, text) : undefined;
  if (fast) return { tree: fast, diagnostics: [] };
  return loadRuleTreeFully(path, text, readFile, shape);
}

/** loadRuleTreeFully is the load stage through the YAML library, for any file (the fast reader's differential test compares against it). */
export function loadRuleTreeFully(path: string, text: string, readFile: ReadFile = readConfigFile, shape: FileShape = ruleFileShape): LoadResult {
  const loader = new Loader(readFile);
  const rules = loader.file(path, text, [], shape);
  return { tree: { path, files: loader.files, rules }, diagnostics: loader.diagnostics, root: loader.root };
}

/** ignoredKeys warns about the top-level keys of a file that nothing reads. */
function ignoredKeys(root: YAMLMap, known: readonly string[], yaml: YamlFile, what: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    if (key === undefined || known.includes(key)) continue;
    const suggestion = closest(key, known);
    out.push(
      diagnostic('ignoredKey', nodeSpan(yaml.file, pair.key as Node), `\`${key}\` is not a key of ${what}: ignored, as the original ignores it`, {
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
