import { perlPlainScalar, reservedWord } from './plain-scalar.js';
import { counting, scalarOffsets } from './scalar-offsets.js';
import { SourceFile } from './diagnostics/source.js';
import { MapNode, MAX_NESTING, Scalar, type ScalarPlacing, type ScalarStyle, type YamlDocument, type YamlMap, type YamlNode, type YamlScalar, type YamlSeq } from './yaml-nodes.js';

/*
 * The fast YAML reader: the subset rule files are written in, into the same
 * positioned nodes the full reader gives. Block mappings and lists by
 * indentation, with plain words, numbers, one-line quoted strings and
 * one-line flow mappings as values. Anything else (anchors, tags, block
 * scalars, flow lists, a value over two lines, a repeated key, a key YAML
 * would read as something other than its text, nesting past MAX_NESTING)
 * makes it step aside, and
 * the full reader reads the file. The YAML library costs about 7 ms a
 * 100-rule file, and 10 s and a gigabyte for a 10 MB one; check-loops reads
 * hundreds, lint and compile read the big ones. A differential test keeps
 * the two readers in step.
 */

interface Line {
  readonly indent: number;
  /** offset of the first character after the indentation */
  readonly at: number;
  readonly text: string;
}

const KEY = /^([A-Za-z_][A-Za-z0-9_]*):(?: +(.*))?$/;
const PLAIN = /^[^-?:,[\]{}#&*!|>'"%@`\s]|^[-?:][^\s]/;
const FLOW_KEY = /([A-Za-z_][A-Za-z0-9_]*): +/y;
const FLOW_PLAIN_END = /[,{}[\]:#\t]/g;
const REST = /^\s*(?:\s#.*)?$/;
const AFTER_VALUE = /^(?:\s+#.*)?$/;

/**
 * Lines are the lines of a file that hold something (not blank, not a
 * comment), kept as offsets into its text: a big file has a million, and
 * an object and a string for each would outlive the reading in the heap.
 * A line's text is cut when it is read.
 */
class Lines {
  readonly count: number;
  private last: { i: number; line: Line } | undefined;

  private constructor(
    private readonly text: string,
    private readonly indents: Int32Array,
    private readonly starts: Int32Array,
    private readonly ends: Int32Array,
    count: number,
  ) {
    this.count = count;
  }

  /** of splits a text into lines, or gives undefined when it holds what only the full reader reads (a tab in an indentation, a document marker, a directive). */
  static of(text: string): Lines | undefined {
    let size = 1;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', nl + 1)) size++;
    const [indents, starts, ends] = [new Int32Array(size), new Int32Array(size), new Int32Array(size)];
    let count = 0;
    for (let pos = 0; pos <= text.length; ) {
      const nl = text.indexOf('\n', pos);
      const rawEnd = nl < 0 ? text.length : nl;
      const line = text.slice(pos, rawEnd > pos && text[rawEnd - 1] === '\r' ? rawEnd - 1 : rawEnd);
      const indent = line.length - line.trimStart().length;
      if (line.slice(0, indent).includes('\t')) return undefined;
      const body = line.slice(indent);
      if (body !== '' && !body.startsWith('#')) {
        if (body === '---' || body === '...' || body.startsWith('%')) return undefined;
        indents[count] = indent;
        starts[count] = pos + indent;
        ends[count] = pos + indent + body.trimEnd().length;
        count++;
      }
      if (nl < 0) break;
      pos = nl + 1;
    }
    return new Lines(text, indents, starts, ends, count);
  }

  /** line is the i-th line, or undefined past the last. */
  line(i: number): Line | undefined {
    if (i >= this.count) return undefined;
    if (this.last?.i === i) return this.last.line;
    const line = { indent: this.indents[i], at: this.starts[i], text: this.text.slice(this.starts[i], this.ends[i]) };
    this.last = { i, line };
    return line;
  }
}

/** placeOf maps a scalar onto its file: most sit there as they are, their offsets counting up from the first character. */
function placeOf(text: string, s: Scalar, written: string): number[] {
  if (s.style === 'PLAIN' ? written.length === s.end - s.start && text.startsWith(written, s.start) : s.style === 'QUOTE_DOUBLE' && written.length === s.end - s.start - 2) {
    return counting(s.style === 'PLAIN' ? s.start : s.start + 1, written.length + 1);
  }
  return scalarOffsets(text, { range: [s.start, s.end], type: s.style }, written);
}

/** Scalars makes the scalar nodes of one file. */
class Scalars {
  readonly placing: ScalarPlacing;
  /** names holds one copy of each key's text: a big file says `condition` eighty thousand times */
  private readonly names = new Map<string, string>();

  constructor(text: string) {
    this.placing = { text, place: placeOf };
  }

  /** name is a key's text, the same string each time it is given. */
  name(k: string): string {
    const known = this.names.get(k);
    if (known !== undefined) return known;
    this.names.set(k, k);
    return k;
  }

  make(value: YamlScalar['value'], start: number, end: number, style: ScalarStyle): YamlScalar {
    return new Scalar(value, start, end, style, this.placing);
  }

  /** line reads a one-line plain or quoted value starting at file offset `at`, with a comment allowed after it. */
  line(s: string, at: number): YamlScalar | undefined {
    if (s.startsWith("'") || s.startsWith('"')) {
      const quoted = s[0] === "'" ? singleQuoted(s, 1) : doubleQuoted(s, 1);
      if (!quoted || !AFTER_VALUE.test(s.slice(quoted.next))) return undefined;
      return this.make(quoted.value, at, at + quoted.next, s[0] === "'" ? 'QUOTE_SINGLE' : 'QUOTE_DOUBLE');
    }
    const hash = s.search(/\s#/);
    const plain = (hash >= 0 ? s.slice(0, hash) : s).trimEnd();
    if (plain === '' || !PLAIN.test(plain) || plain.includes(': ') || plain.endsWith(':') || plain.includes('\t')) return undefined;
    return this.make(perlPlainScalar(plain), at, at + plain.length, 'PLAIN');
  }

  /** flow reads a quoted or plain scalar inside a flow mapping at s[i]; `base` is the file offset of s[0]. */
  flow(s: string, i: number, base: number): { scalar: YamlScalar; next: number } | undefined {
    const q = s[i];
    let value: YamlScalar['value'];
    let next: number;
    let style: ScalarStyle;
    let source: string | undefined;
    if (q === "'" || q === '"') {
      const quoted = q === "'" ? singleQuoted(s, i + 1) : doubleQuoted(s, i + 1);
      if (!quoted) return undefined;
      [value, next, style] = [quoted.value, quoted.next, q === "'" ? 'QUOTE_SINGLE' : 'QUOTE_DOUBLE'];
    } else {
      FLOW_PLAIN_END.lastIndex = i;
      const stop = FLOW_PLAIN_END.exec(s);
      if (!stop || (stop[0] !== ',' && stop[0] !== '}')) return undefined;
      source = s.slice(i, stop.index).trimEnd();
      if (source === '' || !PLAIN.test(source)) return undefined;
      [value, next, style] = [perlPlainScalar(source), i + source.length, 'PLAIN'];
    }
    return { scalar: this.make(value, base + i, base + next, style), next };
  }
}

/*
 * The quoted texts are joined from slices of the line: a string grown a
 * character at a time is a chain V8 keeps every step of.
 */

function joined(parts: readonly string[]): string {
  return parts.length === 1 ? parts[0] : parts.join('');
}

/** singleQuoted reads a single-quoted text from s[from] (after its quote) to its closing quote, `''` read as one quote; next is the offset after it. */
function singleQuoted(s: string, from: number): { value: string; next: number } | undefined {
  const parts: string[] = [];
  let i = s.indexOf("'", from);
  while (i >= 0 && s[i + 1] === "'") {
    parts.push(s.slice(from, i + 1));
    from = i + 2;
    i = s.indexOf("'", from);
  }
  if (i < 0) return undefined;
  parts.push(s.slice(from, i));
  return { value: joined(parts), next: i + 1 };
}

/** doubleQuoted reads a double-quoted text whose only escapes are \\ and \"; anything else is left to the full reader. */
function doubleQuoted(s: string, from: number): { value: string; next: number } | undefined {
  const parts: string[] = [];
  for (let i = from; i < s.length; i++) {
    if (s[i] === '"') {
      parts.push(s.slice(from, i));
      return { value: joined(parts), next: i + 1 };
    }
    if (s[i] !== '\\') continue;
    if (s[i + 1] !== '\\' && s[i + 1] !== '"') return undefined;
    parts.push(s.slice(from, i));
    from = ++i;
  }
  return undefined;
}

/** plainKey tells whether a key is read as its own text: not a word YAML::XS reads as something else, and not one a JavaScript object treats apart. */
function plainKey(k: string): boolean {
  return !reservedWord(k) && k !== '__proto__';
}

/** Entries gathers a mapping's keys and values as it is read. */
class Entries {
  private readonly entries: (string | number | YamlNode)[] = [];

  get empty(): boolean {
    return this.entries.length === 0;
  }

  has(name: string): boolean {
    for (let j = 0; j < this.entries.length; j += 3) if (this.entries[j] === name) return true;
    return false;
  }

  add(name: string, at: number, value: YamlNode): void {
    this.entries.push(name, at, value);
  }

  /** map is the mapping, its array copied at its size: an array grown by push keeps room for more, and a big file has many small maps */
  map(placing: ScalarPlacing, start: number, end: number): YamlMap {
    return MapNode.words(placing, start, end, this.entries.slice());
  }
}

class FastReader {
  private i = 0;
  private readonly scalars: Scalars;

  constructor(
    private readonly ls: Lines,
    text: string,
  ) {
    this.scalars = new Scalars(text);
  }

  read(): YamlNode | undefined {
    const first = this.ls.line(0);
    if (!first || first.indent !== 0 || first.text.startsWith('- ')) return undefined;
    const root = this.map(0, first, 1);
    return root && this.i === this.ls.count ? root : undefined;
  }

  /** flowMap reads `{ k: v, … }` at s[i] on one line: plain keys, scalars and nested mappings as values. */
  private flowMap(s: string, i: number, base: number, depth: number): { map: YamlMap; next: number } | undefined {
    if (depth > MAX_NESTING) return undefined;
    const entries = new Entries();
    const placing = this.scalars.placing;
    const start = base + i;
    i++;
    for (;;) {
      while (s[i] === ' ') i++;
      if (s[i] === '}' && entries.empty) return { map: entries.map(placing, start, base + i + 1), next: i + 1 };
      FLOW_KEY.lastIndex = i;
      const k = FLOW_KEY.exec(s);
      if (!k || !plainKey(k[1]) || entries.has(k[1])) return undefined;
      const keyAt = base + i;
      i = FLOW_KEY.lastIndex;
      const v = s[i] === '{' ? this.flowMap(s, i, base, depth + 1) : this.scalars.flow(s, i, base);
      if (!v) return undefined;
      entries.add(this.scalars.name(k[1]), keyAt, 'map' in v ? v.map : v.scalar);
      i = v.next;
      while (s[i] === ' ') i++;
      if (s[i] === '}') return { map: entries.map(placing, start, base + i + 1), next: i + 1 };
      if (s[i] !== ',') return undefined;
      i++;
    }
  }

  /** inline reads a value written on its key's line (or its dash's): a one-line flow mapping or a scalar. */
  private inline(s: string, at: number, depth: number): YamlNode | undefined {
    if (!s.startsWith('{')) return this.scalars.line(s, at);
    const m = this.flowMap(s, 0, at, depth);
    return m && REST.test(s.slice(m.next)) ? m.map : undefined;
  }

  /** map reads a block mapping whose keys are at `indent`, from its first line (which may be the text after a dash). */
  private map(indent: number, first: Line, depth: number): YamlMap | undefined {
    if (depth > MAX_NESTING) return undefined;
    const entries = new Entries();
    let line: Line | undefined = first;
    const start = line.at;
    let end = start;
    for (;;) {
      const kv = KEY.exec(line.text);
      if (!kv || !plainKey(kv[1]) || entries.has(kv[1])) return undefined;
      const keyAt = line.at;
      this.i++;
      const raw = kv[2];
      let value: YamlNode | undefined;
      if (raw === undefined || raw.startsWith('#')) {
        // the value is the block below: a mapping further in, or a list further in or at the key's column
        const next = this.ls.line(this.i);
        if (next && next.text.startsWith('- ') && next.indent >= indent) value = this.seq(next, depth + 1);
        else if (next && next.indent > indent) value = this.map(next.indent, next, depth + 1);
      } else value = this.inline(raw, line.at + kv[0].length - raw.length, depth + 1);
      if (!value) return undefined;
      entries.add(this.scalars.name(kv[1]), keyAt, value);
      end = value.end;
      line = this.ls.line(this.i);
      if (!line || line.indent < indent) break;
      // what is further in than the keys, or a dash at their column, belongs to no key here
      if (line.indent > indent || line.text.startsWith('- ')) return undefined;
    }
    return entries.map(this.scalars.placing, start, end);
  }

  /** seq reads a block list from its first line; its dashes are in that line's column. */
  private seq(first: Line, depth: number): YamlSeq | undefined {
    if (depth > MAX_NESTING) return undefined;
    const items: YamlNode[] = [];
    const { indent, at: start } = first;
    for (let head = this.ls.line(this.i); head && head.indent === indent && head.text.startsWith('- '); head = this.ls.line(this.i)) {
      const body = head.text.slice(2);
      if (body.startsWith(' ')) return undefined;
      let item: YamlNode | undefined;
      if (KEY.test(body)) item = this.map(indent + 2, { indent: indent + 2, at: head.at + 2, text: body }, depth + 1);
      else {
        item = this.inline(body, head.at + 2, depth + 1);
        this.i++;
      }
      if (!item) return undefined;
      items.push(item);
      // what follows is the next item, or belongs to an enclosing block
      const next = this.ls.line(this.i);
      if (next && next.indent > indent) return undefined;
    }
    return { kind: 'seq', start, end: last(items).end, items };
  }
}

function last<T>(xs: readonly T[]): T {
  return xs[xs.length - 1];
}

/** readFastYaml reads a file in the usual style of rule files, or gives undefined when the full reader must. */
export function readFastYaml(path: string, text: string): YamlDocument | undefined {
  const ls = Lines.of(text);
  if (!ls) return undefined;
  const root = new FastReader(ls, text).read();
  return root ? { file: new SourceFile(path, text), root } : undefined;
}
