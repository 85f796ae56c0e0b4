import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { diagnostic, type Diagnostic } from '../compiler/diagnostics/diagnostic.js';
import { SourceFile, span, type Span } from '../compiler/diagnostics/source.js';

/** YamlFile is one parsed YAML file with its source, for mapping nodes back to line and column. */
export interface YamlFile {
  readonly file: SourceFile;
  readonly doc: Document.Parsed;
}

/** parseYaml reads YAML keeping every node's range; syntax errors become diagnostics. */
export function parseYaml(path: string, text: string): { yaml: YamlFile; diagnostics: Diagnostic[] } {
  const file = new SourceFile(path, text);
  const doc = parseDocument(text, { lineCounter: new LineCounter(), prettyErrors: false, uniqueKeys: true });
  const diagnostics = [...doc.errors, ...doc.warnings].map((e) => {
    const [a, b] = e.pos;
    const message = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    if (e.code === 'DUPLICATE_KEY') return diagnostic('duplicateKey', span(file, a, b), message);
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
  return { yaml: { file, doc }, diagnostics };
}

/** nodeSpan is the span of a node's value (a block map or list spans its first line). */
export function nodeSpan(file: SourceFile, node: Node | null | undefined): Span {
  if (!node?.range) return span(file, 0, 0);
  const [start, end] = node.range;
  if (isMap(node) || isSeq(node)) {
    const first = node.items[0];
    const firstNode = isPair(first) ? (first.key as Node | null) : (first as Node | null);
    if (firstNode?.range) return nodeSpan(file, firstNode);
  }
  const lineEnd = file.text.indexOf('\n', start);
  return span(file, start, lineEnd >= 0 && lineEnd < end ? lineEnd : end);
}

/** pairOf finds the pair for a key in a map node. */
export function pairOf(map: YAMLMap, key: string): Pair<Node, Node> | undefined {
  for (const item of map.items) {
    const k = item.key;
    if ((isScalar(k) ? String(k.value) : String(k)) === key) return item as Pair<Node, Node>;
  }
  return undefined;
}

/** nodeAtPath walks maps and lists from a node along a JSON path. */
export function nodeAtPath(root: Node | null | undefined, path: readonly (string | number)[]): Node | undefined {
  let node: Node | null | undefined = root;
  for (const step of path) {
    if (isMap(node)) node = pairOf(node, String(step))?.value;
    else if (isSeq(node)) node = node.items[Number(step)] as Node | undefined;
    else return undefined;
  }
  return node ?? undefined;
}

/** scalarText is a scalar's text as written: `TRUE` stays the text TRUE, not a boolean. */
export function scalarText(node: Node): string | undefined {
  if (!isScalar(node)) return undefined;
  if (typeof node.value === 'string') return node.value;
  return node.source ?? String(node.value);
}
