import type { Scalar as YamlScalar } from 'yaml';
import { perlPlainScalar, reservedWord } from '../../grammar/plain-scalar.js';
import { counting, scalarOffsets } from '../../grammar/scalar-offsets.js';
import { translatePerlRegex } from '../../grammar/perl-regex.js';
import { caseEscapes } from '../checks/regex.js';
import { truthy } from '../../grammar/perl-values.js';
import { reactorPlugins } from '../../stdlib/index.js';
import { SourceFile, span } from '../../grammar/diagnostics/source.js';
import type { ConditionSource, RuleNode, RuleTree } from '../rule-tree.js';
import { isValid } from '../schema/validate.js';
import { asPerlConfig } from './plugin-config.js';

/*
 * A fast reader for rule files written the usual way: `rules:` and a block
 * list of rules (each a block mapping, or a one-line flow mapping) whose keys
 * are name, condition, plugin, config (a flow or block mapping of plain
 * words, numbers, quoted one-line strings and nested one-line flow
 * mappings), last_rule and rules. It gives the same rule tree the load stage
 * gives, spans and condition offsets included, or undefined for anything it
 * does not know or that the load stage would report (the caller then loads
 * the file the full way). The YAML library costs about 7 ms a 100-rule file,
 * and 10 s and a gigabyte for a 10 MB one; check-loops reads hundreds, lint
 * and compile read the big ones. A differential test keeps the two in step.
 */

interface Line {
  readonly indent: number;
  /** offset of the first character after the indentation */
  readonly at: number;
  readonly text: string;
}

/** Scalar is a one-line value and where it is in the file. */
interface Scalar {
  readonly value: unknown;
  readonly start: number;
  readonly end: number;
  /** offsets gives the file offset of each character of the value, and one for its end */
  offsets(): number[];
}

const KEY = /^([A-Za-z_][A-Za-z0-9_]*):(?: +(.*))?$/;
const PLAIN = /^[^-?:,[\]{}#&*!|>'"%@`\s]|^[-?:][^\s]/;
const RULE_KEYS = new Set(['name', 'condition', 'plugin', 'config', 'last_rule', 'rules']);

function lines(text: string): Line[] | undefined {
  const out: Line[] = [];
  let pos = 0;
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const indent = line.length - line.trimStart().length;
    if (line.slice(0, indent).includes('\t')) return undefined;
    const body = line.slice(indent);
    if (body !== '' && !body.startsWith('#')) {
      if (body === '---' || body === '...' || body.startsWith('%')) return undefined;
      out.push({ indent, at: pos + indent, text: body.trimEnd() });
    }
    pos += raw.length + 1;
  }
  return out;
}

/** scalar reads a one-line plain or quoted value starting at file offset `at`, with a comment allowed after it. */
function scalar(text: string, at: number): Scalar | undefined {
  if (text.startsWith("'")) {
    let value = '';
    const offsets: number[] = [];
    let i = 1;
    for (; i < text.length; i++) {
      if (text[i] === "'") {
        if (text[i + 1] !== "'") break;
        offsets.push(at + i);
        value += "'";
        i++;
        continue;
      }
      offsets.push(at + i);
      value += text[i];
    }
    if (i >= text.length || !/^(?:\s+#.*)?$/.test(text.slice(i + 1))) return undefined;
    offsets.push(at + i);
    return { value, start: at, end: at + i + 1, offsets: () => offsets };
  }
  if (text.startsWith('"')) {
    const close = text.indexOf('"', 1);
    if (close < 0 || text.slice(1, close).includes('\\') || !/^(?:\s+#.*)?$/.test(text.slice(close + 1))) return undefined;
    const value = text.slice(1, close);
    return { value, start: at, end: at + close + 1, offsets: () => counting(at + 1, value.length + 1) };
  }
  const hash = text.search(/\s#/);
  const plain = (hash >= 0 ? text.slice(0, hash) : text).trimEnd();
  if (plain === '' || !PLAIN.test(plain) || plain.includes(': ') || plain.endsWith(':') || plain.includes('\t')) return undefined;
  const value = perlPlainScalar(plain);
  return { value, start: at, end: at + plain.length, offsets: () => counting(at, plain.length + 1) };
}

/** FlowMap is a one-line flow mapping: its keys in order, each with where it starts and its value. */
interface FlowMap {
  readonly entries: readonly { readonly key: string; readonly at: number; readonly value: Scalar | FlowMap }[];
}

const FLOW_KEY = /([A-Za-z_][A-Za-z0-9_]*): +/y;
const FLOW_PLAIN_END = /[,{}[\]:#\t]/g;
const REST = /^\s*(?:\s#.*)?$/;

function isFlowMap(v: Scalar | FlowMap): v is FlowMap {
  return 'entries' in v;
}

function hasBackslash(s: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (s.charCodeAt(k) === 92) return true;
  return false;
}

/** flowScalar reads a quoted or plain scalar inside a flow mapping at s[i]; `text` is the file, `base` the file offset of s[0]. */
function flowScalar(text: string, s: string, i: number, base: number): { scalar: Scalar; next: number } | undefined {
  const q = s[i];
  let value: string | number | boolean | null;
  let next: number;
  let type: YamlScalar['type'];
  const close = q === "'" || q === '"' ? s.indexOf(q, i + 1) : -1;
  if (close > i && s[close + 1] !== q && !hasBackslash(s, i + 1, close)) {
    // the usual quoted value, with no escape in it: a slice, not a string built one character at a time
    value = s.slice(i + 1, close);
    next = close + 1;
    type = q === "'" ? 'QUOTE_SINGLE' : 'QUOTE_DOUBLE';
  } else if (q === "'") {
    let v = '';
    let j = i + 1;
    for (; j < s.length; j++) {
      if (s[j] !== "'") v += s[j];
      else if (s[j + 1] === "'") v += s[j++];
      else break;
    }
    if (j >= s.length) return undefined;
    [value, next, type] = [v, j + 1, 'QUOTE_SINGLE'];
  } else if (q === '"') {
    let v = '';
    let j = i + 1;
    for (; j < s.length && s[j] !== '"'; j++) {
      if (s[j] !== '\\') v += s[j];
      else if (s[j + 1] === '\\' || s[j + 1] === '"') v += s[++j];
      else return undefined;
    }
    if (j >= s.length) return undefined;
    [value, next, type] = [v, j + 1, 'QUOTE_DOUBLE'];
  } else {
    FLOW_PLAIN_END.lastIndex = i;
    const stop = FLOW_PLAIN_END.exec(s);
    if (!stop || (stop[0] !== ',' && stop[0] !== '}')) return undefined;
    const plain = s.slice(i, stop.index).trimEnd();
    if (plain === '' || !PLAIN.test(plain)) return undefined;
    [value, next, type] = [perlPlainScalar(plain), i + plain.length, 'PLAIN'];
  }
  const start = base + i;
  const end = base + next;
  const str = typeof value === 'string' ? value : String(value);
  const offsets = () => scalarOffsets(text, { range: [start, end, end], type } as YamlScalar, str);
  return { scalar: { value, start, end, offsets }, next };
}

/** flowMapping reads `{ k: v, … }` at s[i] on one line: plain keys, scalars and nested mappings as values. */
function flowMapping(text: string, s: string, i: number, base: number): { map: FlowMap; next: number } | undefined {
  const entries: { key: string; at: number; value: Scalar | FlowMap }[] = [];
  i++;
  for (;;) {
    while (s[i] === ' ') i++;
    if (s[i] === '}' && entries.length === 0) return { map: { entries }, next: i + 1 };
    FLOW_KEY.lastIndex = i;
    const k = FLOW_KEY.exec(s);
    if (!k || reservedWord(k[1]) || k[1] === '__proto__' || entries.some((e) => e.key === k[1])) return undefined;
    const at = base + i;
    i = FLOW_KEY.lastIndex;
    const v = s[i] === '{' ? flowMapping(text, s, i, base) : flowScalar(text, s, i, base);
    if (!v) return undefined;
    entries.push({ key: k[1], at, value: 'map' in v ? v.map : v.scalar });
    i = v.next;
    while (s[i] === ' ') i++;
    if (s[i] === '}') return { map: { entries }, next: i + 1 };
    if (s[i] !== ',') return undefined;
    i++;
  }
}

/** flowLine reads a line that is exactly one flow mapping, with a comment allowed after it. */
function flowLine(text: string, line: string, at: number): FlowMap | undefined {
  if (!line.startsWith('{')) return undefined;
  const m = flowMapping(text, line, 0, at);
  return m && REST.test(line.slice(m.next)) ? m.map : undefined;
}

/** flowData is a flow mapping as the data the load stage makes of it. */
function flowData(map: FlowMap): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const e of map.entries) out[e.key] = isFlowMap(e.value) ? flowData(e.value) : e.value.value;
  return out;
}

/** RuleParts collects one rule's keys as the fast reader meets them, and checks what the load stage would. */
class RuleParts {
  private readonly seen = new Set<string>();
  private ruleStart = -1;
  private name: string | undefined;
  private condition: ConditionSource | undefined;
  private plugin: { name: string; start: number; end: number } | undefined;
  private configData: Record<string, unknown> | undefined;
  private lastRule = false;
  private kids: RuleNode[] = [];

  constructor(private readonly file: SourceFile) {}

  private key(key: string, at: number): boolean {
    if (!RULE_KEYS.has(key) || this.seen.has(key)) return false;
    this.seen.add(key);
    if (this.ruleStart < 0) this.ruleStart = at;
    return true;
  }

  children(at: number, list: RuleNode[]): boolean {
    if (!this.key('rules', at)) return false;
    this.kids = list;
    return true;
  }

  config(at: number, data: Record<string, unknown>): boolean {
    if (!this.key('config', at)) return false;
    this.configData = data;
    return true;
  }

  /** take is one `key: value` with the value on the key's line. */
  take(key: string, at: number, value: Scalar | FlowMap): boolean {
    if (key === 'config') return isFlowMap(value) && this.config(at, flowData(value));
    if (isFlowMap(value) || !this.key(key, at)) return false;
    const v = value.value;
    if (key === 'name') {
      if (typeof v !== 'string') return false;
      this.name = v;
    } else if (key === 'condition') {
      // a Perl-false condition is no condition, which the full load reports
      if (typeof v !== 'string' || !truthy(v)) return false;
      this.condition = { text: v, file: this.file, offsets: value.offsets() };
    } else if (key === 'plugin') {
      if (typeof v !== 'string') return false;
      this.plugin = { name: v, start: value.start, end: value.end };
    } else if (key === 'last_rule') this.lastRule = truthy(v);
    else return false;
    return true;
  }

  rule(id: number): RuleNode | undefined {
    let use: RuleNode['plugin'];
    const { plugin, configData: config } = this;
    if (plugin) {
      const def = reactorPlugins.get(plugin.name);
      // an unknown plugin or a config the plugin refuses: the full load reports it
      if (!def || (config === undefined && (((def.schema.required as string[] | undefined) ?? []).length > 0 || (def.check?.({}) ?? []).length > 0))) return undefined;
      const c = config === undefined ? {} : asPerlConfig(def, config);
      if (config !== undefined && (!isValid(def.schema, c) || (def.check?.(c) ?? []).length > 0)) return undefined;
      for (const rk of def.regexKeys ?? []) {
        const re = c[rk.key];
        if (typeof re !== 'string') continue;
        // a pattern with a diagnostic (an error, WB3008, WB2006) takes the full load, which reports it
        const t = translatePerlRegex(re, { dotall: rk.dotall });
        if (!t.ok || t.backtrack || caseEscapes(re).length > 0) return undefined;
      }
      use = { name: plugin.name, span: span(this.file, plugin.start, plugin.end), def, config: c };
    } else if (config !== undefined) return undefined;
    const start = this.ruleStart;
    const nameEnd = start + (/^[A-Za-z_]+/.exec(this.file.text.slice(start, start + 40))?.[0].length ?? 0);
    return { id, name: this.name, file: this.file, span: span(this.file, start, nameEnd), condition: this.condition, plugin: use, lastRule: this.lastRule, children: this.kids };
  }
}

class FastReader {
  private i = 0;
  private nextId = 0;

  constructor(
    private readonly ls: Line[],
    private readonly file: SourceFile,
  ) {}

  read(): RuleNode[] | undefined {
    const first = this.ls[0];
    if (!first || first.indent !== 0 || first.text !== 'rules:') return undefined;
    this.i = 1;
    const rules = this.list(0);
    return rules && this.i === this.ls.length ? rules : undefined;
  }

  /** list reads the rules of a block list whose items are at an indentation of at least `min`. */
  private list(min: number): RuleNode[] | undefined {
    const first = this.ls[this.i];
    if (!first || first.indent < min || !first.text.startsWith('- ')) return undefined;
    const indent = first.indent;
    const out: RuleNode[] = [];
    while (this.i < this.ls.length && this.ls[this.i].indent === indent && this.ls[this.i].text.startsWith('- ')) {
      const rule = this.rule(indent);
      if (!rule) return undefined;
      out.push(rule);
    }
    return out;
  }

  private rule(itemIndent: number): RuleNode | undefined {
    const id = this.nextId++;
    const head = this.ls[this.i];
    const keyIndent = itemIndent + 2;
    if (head.text.slice(2).startsWith(' ')) return undefined;
    const parts = new RuleParts(this.file);
    if (head.text.startsWith('- {')) {
      // the whole rule as a flow mapping on the dash's line
      const map = flowLine(this.file.text, head.text.slice(2), head.at + 2);
      if (!map) return undefined;
      this.i++;
      for (const e of map.entries) if (!parts.take(e.key, e.at, e.value)) return undefined;
    } else {
      // the item's first key sits on the dash's line
      let line: Line = { indent: keyIndent, at: head.at + 2, text: head.text.slice(2) };
      for (;;) {
        const kv = KEY.exec(line.text);
        if (!kv) return undefined;
        const valueAt = line.at + kv[0].length - (kv[2]?.length ?? 0);
        this.i++;
        const key = kv[1];
        const raw = kv[2];
        let ok: boolean;
        if (raw === undefined || raw.startsWith('#')) {
          if (key === 'rules') {
            const list = this.list(keyIndent);
            ok = list !== undefined && parts.children(line.at, list);
          } else if (key === 'config') {
            const block = this.block(keyIndent + 1);
            ok = block !== undefined && parts.config(line.at, block);
          } else ok = false;
        } else {
          const value = raw.startsWith('{') ? flowLine(this.file.text, raw, valueAt) : scalar(raw, valueAt);
          ok = value !== undefined && parts.take(key, line.at, value);
        }
        if (!ok) return undefined;
        const next = this.ls[this.i];
        if (!next || next.indent !== keyIndent || next.text.startsWith('- ')) break;
        line = next;
      }
    }
    // what follows is the next rule of this list, or belongs to an enclosing one
    const next = this.ls[this.i];
    if (next && next.indent > itemIndent) return undefined;
    return parts.rule(id);
  }

  /** block reads a block mapping of `k: v` lines at one indentation of at least `min`. */
  private block(min: number): Record<string, unknown> | undefined {
    const first = this.ls[this.i];
    if (!first || first.indent < min) return undefined;
    const out: Record<string, unknown> = {};
    while (this.i < this.ls.length && this.ls[this.i].indent === first.indent) {
      const l = this.ls[this.i];
      const kv = KEY.exec(l.text);
      if (!kv || kv[2] === undefined || kv[1] in out || reservedWord(kv[1])) return undefined;
      const at = l.at + kv[0].length - kv[2].length;
      const v = kv[2].startsWith('{') ? flowLine(this.file.text, kv[2], at) : scalar(kv[2], at);
      if (!v || kv[1] === '__proto__') return undefined;
      out[kv[1]] = isFlowMap(v) ? flowData(v) : v.value;
      this.i++;
    }
    return out;
  }
}

/** fastRuleTree reads a rule file the fast way, or gives undefined when the load stage must. */
export function fastRuleTree(path: string, text: string): RuleTree | undefined {
  const ls = lines(text);
  if (!ls) return undefined;
  const file = new SourceFile(path, text);
  const rules = new FastReader(ls, file).read();
  return rules ? { path, files: [file], rules } : undefined;
}
