import type { ScalarValue } from './plain-scalar.js';
import { perlText } from './plain-scalar.js';
import { span, type SourceFile, type Span } from './diagnostics/source.js';

/*
 * Positioned YAML: the one form both YAML readers give (the YAML library's,
 * for any file, and the fast one, for rule files written the usual way).
 * Every node knows where it lies in its file; scalars hold what the
 * original's YAML::XS reads them as. The tree builder, the validate stage
 * and the loop check read documents only through this.
 */

/**
 * MAX_NESTING is how deep mappings and lists may nest in a file: far past
 * what any config needs (a rule nested in a rule is two levels), and short
 * of what the readers' and the compiler's recursion can take.
 */
export const MAX_NESTING = 200;

/** ScalarStyle is how a scalar is written, which says how its characters map to the file's. */
export type ScalarStyle = 'PLAIN' | 'QUOTE_SINGLE' | 'QUOTE_DOUBLE' | 'BLOCK_LITERAL' | 'BLOCK_FOLDED';

interface Positioned {
  /** start and end are file offsets of the node's value (a collection: from its first item to its end). */
  readonly start: number;
  readonly end: number;
}

export interface YamlScalar extends Positioned {
  readonly kind: 'scalar';
  readonly value: ScalarValue;
  readonly style: ScalarStyle;
  /** source is a plain scalar as written (`0`, `~`), for messages that quote it. */
  readonly source?: string;
  /** offsets gives the file offset of each character of textOf(this), and one for its end. */
  offsets(): number[];
}

/** ScalarPlacing is what the scalars of one file share: the file's text, and how a reader maps a scalar's characters onto it. */
export interface ScalarPlacing {
  readonly text: string;
  place(text: string, s: Scalar, written: string): number[];
}

/**
 * Scalar is the one implementation of YamlScalar both readers make. A big
 * rule file has a million of them, so each holds only its value, place and
 * style: its source text and offsets are worked out when asked for (most
 * scalars never are).
 */
export class Scalar implements YamlScalar {
  constructor(
    readonly value: ScalarValue,
    readonly start: number,
    readonly end: number,
    readonly style: ScalarStyle,
    private readonly placing: ScalarPlacing,
  ) {}

  get kind(): 'scalar' {
    return 'scalar';
  }

  /** source is a plain scalar's text as written in the file. */
  get source(): string | undefined {
    return this.style === 'PLAIN' ? this.placing.text.slice(this.start, this.end) : undefined;
  }

  offsets(): number[] {
    return this.placing.place(this.placing.text, this, typeof this.value === 'string' ? this.value : this.value === null ? '' : perlText(this.value));
  }
}

export interface YamlPair {
  readonly key: YamlScalar;
  /** value is null for a key written with no value (`key:`). */
  readonly value: YamlNode | null;
}

/**
 * YamlMap is a mapping. A big rule file has hundreds of thousands of them,
 * so a map holds its keys' names and places, not a node and a pair for each:
 * those are made when asked for.
 */
export interface YamlMap extends Positioned {
  readonly kind: 'map';
  readonly size: number;
  /** name is the i-th key's text. */
  name(i: number): string;
  key(i: number): YamlScalar;
  value(i: number): YamlNode | null;
  /** get is the value of a key, or undefined when the key is not there or has none. */
  get(name: string): YamlNode | undefined;
  pair(name: string): YamlPair | undefined;
  readonly pairs: readonly YamlPair[];
}

/**
 * MapNode is the one implementation of YamlMap both readers make. Its
 * entries lie in one array, three slots a key: the key's text; the key's
 * node or, for a plain word, its file offset; the value. One array, not
 * three, as a big file has a hundred and fifty thousand small maps.
 */
export class MapNode implements YamlMap {
  private constructor(
    readonly start: number,
    readonly end: number,
    private readonly entries: readonly (string | number | YamlNode | null)[],
    private readonly placing: ScalarPlacing | undefined,
  ) {}

  /** words is a mapping whose keys are plain words: entries are name, file offset, value for each (the array is kept as it is). */
  static words(placing: ScalarPlacing, start: number, end: number, entries: readonly (string | number | YamlNode)[]): MapNode {
    return new MapNode(start, end, entries, placing);
  }

  /** of is a mapping from its key nodes, each holding its text. */
  static of(start: number, end: number, keys: readonly YamlScalar[], values: readonly (YamlNode | null)[]): MapNode {
    return new MapNode(start, end, keys.flatMap((k, i) => [String(k.value), k, values[i]]), undefined);
  }

  get kind(): 'map' {
    return 'map';
  }

  get size(): number {
    return this.entries.length / 3;
  }

  name(i: number): string {
    return this.entries[3 * i] as string;
  }

  key(i: number): YamlScalar {
    const k = this.entries[3 * i + 1] as number | YamlScalar;
    if (typeof k !== 'number') return k;
    const name = this.name(i);
    return new Scalar(name, k, k + name.length, 'PLAIN', this.placing!);
  }

  value(i: number): YamlNode | null {
    return this.entries[3 * i + 2] as YamlNode | null;
  }

  private indexOf(name: string): number {
    for (let j = 0; j < this.entries.length; j += 3) if (this.entries[j] === name) return j / 3;
    return -1;
  }

  get(name: string): YamlNode | undefined {
    const i = this.indexOf(name);
    return i < 0 ? undefined : (this.value(i) ?? undefined);
  }

  pair(name: string): YamlPair | undefined {
    const i = this.indexOf(name);
    return i < 0 ? undefined : { key: this.key(i), value: this.value(i) };
  }

  get pairs(): readonly YamlPair[] {
    const out: YamlPair[] = [];
    for (let i = 0; i < this.size; i++) out.push({ key: this.key(i), value: this.value(i) });
    return out;
  }
}

export interface YamlSeq extends Positioned {
  readonly kind: 'seq';
  readonly items: readonly (YamlNode | null)[];
}

export type YamlNode = YamlScalar | YamlMap | YamlSeq;

/** YamlDocument is one file read as YAML: its source and its top-level node (null for an empty file). */
export interface YamlDocument {
  readonly file: SourceFile;
  readonly root: YamlNode | null;
}

export const isYamlMap = (n: YamlNode | null | undefined): n is YamlMap => n?.kind === 'map';
export const isYamlSeq = (n: YamlNode | null | undefined): n is YamlSeq => n?.kind === 'seq';
export const isYamlScalar = (n: YamlNode | null | undefined): n is YamlScalar => n?.kind === 'scalar';

/** nodeAtPath walks mappings and lists from a node along a JSON path. */
export function nodeAtPath(root: YamlNode | null | undefined, path: readonly (string | number)[]): YamlNode | undefined {
  let node: YamlNode | null | undefined = root;
  for (const step of path) {
    if (isYamlMap(node)) node = node.get(String(step));
    else if (isYamlSeq(node)) node = node.items[Number(step)];
    else return undefined;
  }
  return node ?? undefined;
}

/** nodeSpan is where findings about a node are shown: a scalar's first line, a collection's first key or item. */
export function nodeSpan(file: SourceFile, node: YamlNode | null | undefined): Span {
  if (!node) return span(file, 0, 0);
  const first = isYamlMap(node) ? (node.size > 0 ? node.key(0) : undefined) : isYamlSeq(node) ? node.items[0] : undefined;
  if (first) return nodeSpan(file, first);
  const lineEnd = file.text.indexOf('\n', node.start);
  return span(file, node.start, lineEnd >= 0 && lineEnd < node.end ? lineEnd : node.end);
}

/** scalarText is a scalar's text as Perl holds it: `TRUE` is the text TRUE, `true` the text 1, `~` undefined. */
export function scalarText(node: YamlNode): string | undefined {
  if (!isYamlScalar(node) || node.value === null) return undefined;
  return typeof node.value === 'string' ? node.value : perlText(node.value);
}

/** dataOf is a node as the plain data the original's YAML::XS loads (a key `__proto__` is a key like any other). */
export function dataOf(node: YamlNode | null): unknown {
  if (node === null) return null;
  if (node.kind === 'scalar') return node.value;
  if (node.kind === 'seq') return node.items.map(dataOf);
  const out: Record<string, unknown> = {};
  for (let i = 0; i < node.size; i++) {
    const key = node.name(i);
    const value = dataOf(node.value(i));
    if (key === '__proto__') Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
    else out[key] = value;
  }
  return out;
}
