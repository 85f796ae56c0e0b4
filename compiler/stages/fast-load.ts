import { perlPlainScalar, reservedWord } from '../../grammar/plain-scalar.js';
import { translatePerlRegex } from '../../runtime/perl-regex.js';
import { truthy } from '../../runtime/perl-values.js';
import { reactorPlugins } from '../../stdlib/index.js';
import { SourceFile, span } from '../diagnostics/source.js';
import type { ConditionSource, RuleNode, RuleTree } from '../rule-tree.js';
import { isValid } from '../schema/validate.js';

/*
 * A fast reader for rule files written the usual way: `rules:` and a block
 * list of rules whose keys are name, condition, plugin, config (a flow or
 * block mapping of plain words, integers and quoted one-line strings),
 * last_rule and rules. It gives the same rule tree the load stage gives,
 * spans and condition offsets included, or undefined for anything it does
 * not know or that the load stage would report (the caller then loads the
 * file the full way). The YAML library costs about 7 ms a 100-rule file;
 * check-loops reads hundreds. A differential test keeps the two in step.
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
    return { value, start: at, end: at + close + 1, offsets: () => Array.from({ length: value.length + 1 }, (_, k) => at + 1 + k) };
  }
  const hash = text.search(/\s#/);
  const plain = (hash >= 0 ? text.slice(0, hash) : text).trimEnd();
  if (plain === '' || !PLAIN.test(plain) || plain.includes(': ') || plain.endsWith(':') || plain.includes('\t')) return undefined;
  const value = perlPlainScalar(plain);
  return { value, start: at, end: at + plain.length, offsets: () => Array.from({ length: plain.length + 1 }, (_, k) => at + k) };
}

/** flowMap reads `{ k: v, … }` of plain keys and one-line scalars. */
function flowMap(text: string, at: number): Record<string, unknown> | undefined {
  const m = /^\{(.*)\}\s*(?:#.*)?$/.exec(text);
  if (!m || /[{}[\]"'#]/.test(m[1])) return undefined;
  const out: Record<string, unknown> = {};
  let offset = at + 1;
  for (const part of m[1].split(',')) {
    const lead = part.length - part.trimStart().length;
    const kv = /^([A-Za-z_][A-Za-z0-9_]*): +(.+)$/.exec(part.trim());
    if (!kv || kv[1] in out || reservedWord(kv[1])) {
      if (part.trim() === '' && m[1].trim() === '') break;
      return undefined;
    }
    const v = scalar(kv[2], offset + lead + kv[0].length - kv[2].length);
    if (!v) return undefined;
    out[kv[1]] = v.value;
    offset += part.length + 1;
  }
  return out;
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
    // the item's first key sits on the dash's line
    let line: Line = { indent: keyIndent, at: head.at + 2, text: head.text.slice(2).trimStart() };
    if (head.text.slice(2).startsWith(' ')) return undefined;
    const seen = new Set<string>();
    let name: string | undefined;
    let condition: ConditionSource | undefined;
    let plugin: { name: string; start: number; end: number } | undefined;
    let config: Record<string, unknown> | undefined;
    let lastRule = false;
    let children: RuleNode[] = [];
    let ruleStart = -1;
    for (;;) {
      const kv = KEY.exec(line.text);
      if (!kv || !RULE_KEYS.has(kv[1]) || seen.has(kv[1])) return undefined;
      seen.add(kv[1]);
      if (ruleStart < 0) ruleStart = line.at;
      const valueAt = line.at + kv[0].length - (kv[2]?.length ?? 0);
      this.i++;
      const key = kv[1];
      const raw = kv[2];
      if (raw === undefined || raw.startsWith('#')) {
        if (key === 'rules') {
          const list = this.list(keyIndent);
          if (!list) return undefined;
          children = list;
        } else if (key === 'config') {
          const block = this.block(keyIndent + 1);
          if (!block) return undefined;
          config = block;
        } else return undefined;
      } else if (key === 'config') {
        config = flowMap(raw, valueAt);
        if (!config) return undefined;
      } else {
        const s = scalar(raw, valueAt);
        if (!s) return undefined;
        if (key === 'name') {
          if (typeof s.value !== 'string') return undefined;
          name = s.value;
        } else if (key === 'condition') {
          // a Perl-false condition is no condition, which the full load reports
          if (typeof s.value !== 'string' || !truthy(s.value)) return undefined;
          condition = { text: s.value, file: this.file, offsets: s.offsets() };
        } else if (key === 'plugin') {
          if (typeof s.value !== 'string') return undefined;
          plugin = { name: s.value, start: s.start, end: s.end };
        } else if (key === 'last_rule') lastRule = truthy(s.value);
        else return undefined;
      }
      const next = this.ls[this.i];
      if (!next || next.indent !== keyIndent || next.text.startsWith('- ')) break;
      line = next;
    }
    // what follows is the next rule of this list, or belongs to an enclosing one
    const next = this.ls[this.i];
    if (next && next.indent > itemIndent) return undefined;
    let use: RuleNode['plugin'];
    if (plugin) {
      const def = reactorPlugins.get(plugin.name);
      const c = config ?? {};
      // an unknown plugin or a config the plugin refuses: the full load reports it
      if (!def || (config === undefined && (((def.schema.required as string[] | undefined) ?? []).length > 0 || (def.check?.({}) ?? []).length > 0))) return undefined;
      if (config !== undefined && (!isValid(def.schema, c) || (def.check?.(c) ?? []).length > 0)) return undefined;
      for (const rk of def.regexKeys ?? []) {
        const re = c[rk.key];
        if (typeof re === 'string') {
          // a pattern with a warning takes the full load, which reports it
          const t = translatePerlRegex(re, { dotall: rk.dotall });
          if (!t.ok || (t.backtrack && !t.re2)) return undefined;
        }
      }
      use = { name: plugin.name, span: span(this.file, plugin.start, plugin.end), def, config: c };
    } else if (config !== undefined) return undefined;
    const nameEnd = ruleStart + (/^[A-Za-z_]+/.exec(this.file.text.slice(ruleStart))?.[0].length ?? 0);
    return { id, name, file: this.file, span: span(this.file, ruleStart, nameEnd), condition, plugin: use, lastRule, children };
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
      const s = kv[2].startsWith('{') ? undefined : scalar(kv[2], l.at + kv[0].length - kv[2].length);
      if (!s) return undefined;
      out[kv[1]] = s.value;
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
