import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CompletionItemKind, type CompletionItem, type Location } from 'vscode-languageserver/node';
import { KEYWORDS } from '../../grammar/kinds/index.js';
import { genericKeys } from '../../stdlib/monitor-plugin.js';
import { reactorPlugins } from '../../stdlib/index.js';
import { monitorPlugins } from '../../stdlib/monitors/index.js';
import { ruleKeys } from '../../compiler/schema/rule-file-schema.js';
import { webuiShape } from '../../compiler/schema/webui-schema.js';

/*
 * What the editor asks about the text around the cursor: completions and
 * where a `rulesfile` leads. Line-based on purpose: it has to work in a
 * buffer that is half typed and does not parse.
 */

const OPERATORS = [...KEYWORDS, 'AND', 'OR', 'NOT'];

/** a field name before a test's keyword (`F equals`, `F is true`, `F <=`): the kinds' own keywords, longest first */
const FIELD_BEFORE_KEYWORD = new RegExp(
  `\\b([A-Za-z_][A-Za-z0-9_.]*)\\s+(?:${[...KEYWORDS].filter((w) => w !== 'contains').sort((a, b) => b.length - a.length).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})\\s`,
  'g',
);

/** indentOf is a line's indentation, counting the `- ` of a list item as indentation of its first key. */
function keyIndent(line: string): number {
  const m = /^(\s*)(-\s+)?/.exec(line)!;
  return m[1].length + (m[2]?.length ?? 0);
}

/** pluginOfBlock finds the `plugin:` of the rule the line belongs to (it may come before or after). */
function pluginOfBlock(lines: readonly string[], at: number, indent: number): string | undefined {
  let top = at;
  while (top > 0 && !(keyIndent(lines[top]) === indent && /^\s*-\s/.test(lines[top]))) {
    if (keyIndent(lines[top]) < indent && lines[top].trim() !== '') return undefined;
    top--;
  }
  for (let i = top; i < lines.length; i++) {
    if (i > top && lines[i].trim() !== '' && (keyIndent(lines[i]) < indent || (keyIndent(lines[i]) === indent && /^\s*-\s/.test(lines[i])))) break;
    const m = /^\s*(?:-\s+)?plugin:\s*(\S+)/.exec(lines[i]);
    if (m && keyIndent(lines[i]) === indent) return m[1];
  }
  return undefined;
}

/** configPluginAt is the plugin whose config holds a key on `line` (a block under `config:`), if it is one. */
export function configPluginAt(text: string, line: number): string | undefined {
  const lines = text.split('\n');
  const indent = keyIndent(lines[line] ?? '');
  for (let i = line - 1; i >= 0; i--) {
    const l = lines[i];
    if (l.trim() === '' || l.trim().startsWith('#') || keyIndent(l) >= indent) continue;
    return /^\s*(-\s+)?config:\s*$/.test(l) ? pluginOfBlock(lines, i, keyIndent(l)) : undefined;
  }
  return undefined;
}

/** fieldsIn lists the field names a document tests or sets, for completing conditions. */
function fieldsIn(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(FIELD_BEFORE_KEYWORD)) out.add(m[1]);
  for (const m of text.matchAll(/\bcontains\s+([A-Za-z_][A-Za-z0-9_.]*)/g)) out.add(m[1]);
  for (const m of text.matchAll(/\b(?:field|target_field|source_field):\s*([A-Za-z_][A-Za-z0-9_.]*)/g)) out.add(m[1]);
  for (const m of text.matchAll(/\bset:\s*\{([^}]*)\}/g)) for (const k of m[1].matchAll(/([A-Za-z_][A-Za-z0-9_.]*)\s*:/g)) out.add(k[1]);
  return [...out].sort();
}

const item = (label: string, kind: CompletionItemKind, detail?: string): CompletionItem => ({ label, kind, detail });

/** completionsAt offers what may be written at a position of a rule file or an instance file (`instanceOf`). */
export function completionsAt(text: string, line: number, character: number, instanceOf?: string): CompletionItem[] {
  const lines = text.split('\n');
  const before = (lines[line] ?? '').slice(0, character);
  if (/^\s*(-\s+)?plugin:\s*\S*$/.test(before)) return [...reactorPlugins.values()].map((d) => item(d.name, CompletionItemKind.Class, d.summary));
  if (/^\s*(-\s+)?condition:\s/.test(before)) {
    return [...OPERATORS.map((o) => item(o, CompletionItemKind.Operator)), ...fieldsIn(text).map((f) => item(f, CompletionItemKind.Field))];
  }
  if (!/^\s*(-\s+)?[A-Za-z_]*$/.test(before)) return [];
  const indent = keyIndent(before);
  // a key under `config:` of a rule: that plugin's keys
  const inConfig = configPluginAt(text, line);
  if (inConfig !== undefined) {
    const props = (reactorPlugins.get(inConfig)?.schema.properties as Record<string, { description?: string }> | undefined) ?? {};
    return Object.entries(props).map(([k, v]) => item(k, CompletionItemKind.Property, v.description));
  }
  // the top level of an instance file: its plugin's keys and the generic ones
  const def = instanceOf ? monitorPlugins.get(instanceOf) : undefined;
  if (def && indent === 0) {
    const props = { ...((def.schema.properties as Record<string, { description?: string }> | undefined) ?? {}), ...genericKeys } as Record<string, { description?: string }>;
    return Object.entries(props).map(([k, v]) => item(k, CompletionItemKind.Property, v.description));
  }
  if (indent > 0) return Object.entries(ruleKeys).map(([k, v]) => item(k, CompletionItemKind.Property, v.description));
  return [item('rules', CompletionItemKind.Property, 'the rules, run in order on every message')];
}

type Props = Record<string, { description?: string; properties?: Props }>;

/** webuiKeys are the keys of a web UI config at a line: the top level's, or those of the mapping it is under (`notifications:`, `tls:`). */
export function webuiKeys(text: string, line: number, indent: number): Props {
  const top = (webuiShape.schema as { properties: Props }).properties;
  if (indent === 0) return top;
  const lines = text.split('\n');
  for (let i = line - 1; i >= 0; i--) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*:/.exec(lines[i]);
    if (m) return top[m[1]]?.properties ?? {};
  }
  return {};
}

/** webuiCompletionsAt completes the keys of a web UI config (`webui.yaml`). */
export function webuiCompletionsAt(text: string, line: number, character: number): CompletionItem[] {
  const before = (text.split('\n')[line] ?? '').slice(0, character);
  if (!/^\s*[A-Za-z_]*$/.test(before)) return [];
  return Object.entries(webuiKeys(text, line, keyIndent(before))).map(([k, v]) => item(k, CompletionItemKind.Property, v.description));
}

/** rulesfileAt is where a `rulesfile:` under the cursor leads, as the compiler resolves it. */
export function rulesfileAt(path: string, text: string, line: number): Location | null {
  const m = /^\s*(?:-\s+)?rulesfile:\s*(['"]?)(.+?)\1\s*(?:#.*)?$/.exec(text.split('\n')[line] ?? '');
  if (!m) return null;
  const target = m[2] === '~' || m[2].startsWith('~/') ? homedir() + m[2].slice(1) : m[2];
  const file = resolve(dirname(path), target);
  if (!existsSync(file)) return null;
  return { uri: pathToFileURL(file).href, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
}
