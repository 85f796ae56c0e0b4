import { isAlias, isCollection, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Alias, type Document, type Node } from 'yaml';
import { diagnostic, type Diagnostic } from './diagnostics/diagnostic.js';
import { scalarOffsets } from './scalar-offsets.js';
import { MapNode, MAX_NESTING, Scalar, type ScalarPlacing, type ScalarStyle, type YamlDocument, type YamlNode, type YamlScalar } from './yaml-nodes.js';
import { SourceFile, span } from './diagnostics/source.js';
import { perlText, perlPlainScalar, perlTaggedScalar, type ScalarValue } from './plain-scalar.js';

/** MAX_EXPANDED_NODES bounds what aliases may expand a document to; an alias bomb needs far more. */
export const MAX_EXPANDED_NODES = 100_000;

/** PerlYamlProblem is why a document cannot be read as the original reads it, at an offset of its text. */
export interface PerlYamlProblem {
  readonly message: string;
  readonly start: number;
  readonly end: number;
}

function rangeOf(node: Node): [number, number] {
  const [a, b] = node.range ?? [0, 0];
  return [a, Math.max(b, a + 1)];
}

/**
 * expansionProblem finds an alias to no anchor, an alias inside its own anchor, or aliases
 * adding more than the bound of nodes to some collection. Only what aliases add counts: a
 * large file written out in full is no bomb.
 */
/**
 * aliasTargets maps every alias to the node it names (the last anchor of that name before it),
 * in one pass: the library's Alias.resolve walks the document for each alias.
 */
function aliasTargets(doc: Document.Parsed): Map<Alias, Node | undefined> {
  const anchors = new Map<string, Node>();
  const targets = new Map<Alias, Node | undefined>();
  visit(doc, (_, node) => {
    if (isAlias(node)) targets.set(node, anchors.get(node.source));
    else if ((isScalar(node) || isCollection(node)) && node.anchor) anchors.set(node.anchor, node);
  });
  return targets;
}

function expansionProblem(doc: Document.Parsed, targets: Map<Alias, Node | undefined>): PerlYamlProblem | undefined {
  /** size is a node's expanded count; added, the part of it that aliases put in. */
  interface Count {
    readonly size: number;
    readonly added: number;
  }
  const counts = new Map<Node, Count>();
  const open = new Set<Node>();
  const none: Count = { size: 0, added: 0 };
  let problem: PerlYamlProblem | undefined;
  const count = (node: unknown): Count => {
    if (problem || !node || typeof node !== 'object') return none;
    if (isPair(node)) {
      const k = count(node.key);
      const v = count(node.value);
      return { size: k.size + v.size, added: k.added + v.added };
    }
    if (isAlias(node)) {
      const target = targets.get(node);
      const [a, b] = rangeOf(node);
      if (!target) {
        problem = { message: `alias \`*${node.source}\` refers to no anchor before it`, start: a, end: b };
        return none;
      }
      if (open.has(target)) {
        problem = { message: `alias \`*${node.source}\` lies inside its own anchor`, start: a, end: b };
        return none;
      }
      const { size } = count(target);
      return { size, added: size };
    }
    const n = node as Node;
    const known = counts.get(n);
    if (known !== undefined) return known;
    open.add(n);
    let size = 1;
    let added = 0;
    if (isCollection(n)) {
      for (const item of n.items) {
        const c = count(item);
        size += c.size;
        added += c.added;
        if (added > MAX_EXPANDED_NODES && !problem) {
          const at = isAlias(item) ? item : isPair(item) && isAlias(item.value) ? item.value : n;
          const [a, b] = rangeOf(at as Node);
          problem = { message: `aliases expand this document past ${MAX_EXPANDED_NODES} nodes (an alias bomb?)`, start: a, end: b };
        }
        if (problem) break;
      }
    }
    open.delete(n);
    const c = { size, added };
    counts.set(n, c);
    return c;
  };
  count(doc.contents);
  return problem;
}

/**
 * readAsPerl makes a document (parsed with the failsafe schema, so every
 * scalar is text) hold what YAML::XS loads: scalars resolved as the
 * original's YAML::XS resolves them, keys as Perl's text, and every alias
 * replaced by the node it names, so that a rule's `condition: *c` is that
 * condition. Gives the first problem, or undefined.
 */
function readAsPerl(doc: Document.Parsed): PerlYamlProblem | undefined {
  const targets = aliasTargets(doc);
  const expansion = expansionProblem(doc, targets);
  if (expansion) return expansion;
  let problem: PerlYamlProblem | undefined;
  const done = new WeakSet<Node>();
  visit(doc, {
    Scalar(key, node) {
      if (done.has(node)) return;
      done.add(node);
      const text = String(node.value ?? '');
      let v = node.tag ? perlTaggedScalar(node.tag, text) : node.type === 'PLAIN' ? perlPlainScalar(text) : text;
      if (v === undefined) {
        const [a, b] = rangeOf(node);
        problem ??= { message: `the original's YAML::XS refuses the tag \`${node.tag}\``, start: a, end: b };
        v = text;
      }
      node.value = key === 'key' ? perlText(v) : v;
    },
    Alias(_, node: Alias) {
      return targets.get(node);
    },
  });
  return problem;
}

/** parsePerlDocument parses YAML text and reads it as the original does (see readAsPerl). */
function parsePerlDocument(text: string, lineCounter?: LineCounter): { doc: Document.Parsed; problem?: PerlYamlProblem } {
  // a repeated key is reported for config files; in data the later one wins, as in YAML::XS
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: lineCounter !== undefined, schema: 'failsafe' });
  // tags are resolved by readAsPerl, as YAML::XS resolves them
  doc.warnings = doc.warnings.filter((w) => w.code !== 'TAG_RESOLVE_FAILED');
  return { doc, problem: doc.errors.length ? undefined : readAsPerl(doc) };
}

/** readPerlYaml reads YAML text into plain data as the original's YAML::XS does, or says why it cannot (`syntax` for a YAML error). */
export function readPerlYaml(text: string): { value: unknown } | { problem: PerlYamlProblem; syntax: boolean } {
  const { doc, problem } = parsePerlDocument(text);
  const e = doc.errors[0];
  if (e) {
    const message = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    return { problem: { message, start: e.pos[0], end: e.pos[1] }, syntax: true };
  }
  if (problem) return { problem, syntax: false };
  return { value: doc.toJS({ maxAliasCount: -1 }) };
}

/** perlYamlData is readPerlYaml for text already checked (a linted config file); it throws where readPerlYaml gives a problem. */
export function perlYamlData(text: string): unknown {
  const r = readPerlYaml(text);
  if ('problem' in r) throw new Error(r.problem.message);
  return r.value;
}

/**
 * readYamlDocument is the full YAML reader: any YAML, as the original's
 * YAML::XS reads it, into positioned nodes; syntax errors become diagnostics
 * (and the document has no root).
 */
export function readYamlDocument(path: string, text: string): { doc: YamlDocument; diagnostics: Diagnostic[] } {
  const file = new SourceFile(path, text);
  const { doc, problem } = parsePerlDocument(text, new LineCounter());
  const diagnostics = [...doc.errors, ...doc.warnings].map((e) => {
    const [a, b] = e.pos;
    // the library's own recursion gives out on a document nested thousands deep
    if (/call stack/i.test(e.message)) return nestingDiagnostic(file, a);
    const message = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    if (e.code === 'DUPLICATE_KEY') return duplicateKey(file, doc, a) ?? diagnostic('duplicateKey', span(file, a, b), message);
    const quote = /Missing closing (["'])quote/.exec(message)?.[1];
    const open = quote ? text.lastIndexOf(quote, a - 1) : -1;
    if (open >= 0) {
      return diagnostic('yamlSyntax', span(file, open, open + 1), 'this quoted string is never closed', {
        label: 'opened here',
        hint: `add the closing ${quote} on the same line, or use a block scalar (\`|\`) for text with quotes`,
      });
    }
    const indentation = e.code === 'BAD_INDENT' || /indent|without - indicator|same column/i.test(message);
    return diagnostic('yamlSyntax', span(file, a, Math.max(b, a + 1)), message, {
      hint: indentation ? 'check the indentation: the keys of one rule start in the same column, under its `- `' : undefined,
    });
  });
  if (problem) diagnostics.push(diagnostic('yamlSyntax', span(file, problem.start, problem.end), problem.message));
  const tooDeep = diagnostics.length === 0 ? deeperThanAllowed(doc.contents as Node | null) : undefined;
  if (tooDeep) diagnostics.push(nestingDiagnostic(file, tooDeep.range?.[0] ?? 0));
  const root = diagnostics.some((d) => d.severity === 'error') ? null : positioned(placing(file.text), doc.contents as Node | null);
  return { doc: { file, root }, diagnostics };
}

/**
 * duplicateKey explains a key given twice in one mapping. The original
 * (YAML::XS) silently keeps the last value, so a rule with two `condition:`
 * keys would run on the second alone; wubot refuses the file instead.
 */
function duplicateKey(file: SourceFile, doc: Document.Parsed, at: number): Diagnostic | undefined {
  let found: Diagnostic | undefined;
  visit(doc, {
    Map(_, map) {
      const keys = map.items.map((p) => p.key as Node | null);
      const second = keys.find((k) => k?.range?.[0] === at);
      if (!second || !isScalar(second)) return undefined;
      const name = String(second.value);
      const first = keys.find((k) => k !== second && isScalar(k) && String(k.value) === name);
      if (!first?.range) return undefined;
      const [a, b] = rangeOf(second);
      found = diagnostic('duplicateKey', span(file, a, b), `duplicate key \`${name}\` in this mapping`, {
        label: 'given again here',
        secondary: [{ span: span(file, ...rangeOf(first)), text: 'first given here' }],
        notes: [`the original (YAML::XS) keeps only the last \`${name}\` and ignores the others without a word`],
        hint: name === 'condition' ? 'keep one; to test both, join them in one condition with AND or OR' : 'keep the one you mean and delete the other',
      });
      return visit.BREAK;
    },
  });
  return found;
}

/** deeperThanAllowed finds a collection nested past MAX_NESTING, walking without recursion (aliases are bounded apart). */
function deeperThanAllowed(root: Node | null): Node | undefined {
  const stack: [Node, number][] = root && isCollection(root) ? [[root, 1]] : [];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const [node, depth] = top;
    if (depth > MAX_NESTING) return node;
    for (const item of (node as { items: unknown[] }).items) {
      for (const child of isPair(item) ? [item.key, item.value] : [item]) if (isCollection(child)) stack.push([child, depth + 1]);
    }
  }
  return undefined;
}

function nestingDiagnostic(file: SourceFile, at: number): Diagnostic {
  return diagnostic('yamlSyntax', span(file, at, at + 1), `mappings and lists nest more than ${MAX_NESTING} levels deep here`, {
    hint: 'no rule tree needs this; put a deep branch in a file of its own with `rulesfile`',
  });
}

/** placing is how the full reader's scalars map onto their file. */
function placing(text: string): ScalarPlacing {
  return { text, place: (t, s, written) => scalarOffsets(t, { range: [s.start, s.end], type: s.style }, written) };
}

/** positioned is a node of the YAML library's (aliases already replaced by what they name) as a positioned node. */
function positioned(p: ScalarPlacing, node: Node | null): YamlNode | null {
  if (node === null || isAlias(node)) return null;
  const [start, end] = node.range ?? [0, 0];
  if (isScalar(node)) {
    const type = (node.type ?? 'PLAIN') as ScalarStyle;
    return new Scalar(node.value as ScalarValue, start, end, type, p);
  }
  if (isSeq(node)) return { kind: 'seq', start, end, items: node.items.map((i) => positioned(p, i as Node | null)) };
  if (isMap(node)) {
    const keys = node.items.map((pair) => keyOf(p, pair.key as Node | null, start));
    return MapNode.of(start, end, keys, node.items.map((pair) => positioned(p, pair.value as Node | null)));
  }
  return null;
}

/** keyOf is a mapping key as a scalar holding its text (a key that is itself a collection, which no config has, as the library's text of it). */
function keyOf(p: ScalarPlacing, key: Node | null, at: number): YamlScalar {
  if (isScalar(key)) {
    const [start, end] = key.range ?? [at, at];
    const type = (key.type ?? 'PLAIN') as ScalarStyle;
    return new Scalar(perlText(key.value as ScalarValue), start, end, type, p);
  }
  const [start, end] = key?.range ?? [at, at];
  return new Scalar(String(key), start, end, 'PLAIN', { text: p.text, place: () => [start] });
}
