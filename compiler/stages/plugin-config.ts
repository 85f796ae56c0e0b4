import { isScalar, type Node } from 'yaml';
import { scalarOffsets } from '../../grammar/scalar-offsets.js';
import { nodeAtPath, nodeSpan, scalarText, type YamlFile } from '../../grammar/yaml-source.js';
import { translatePerlRegex } from '../../runtime/perl-regex.js';
import { str } from '../../runtime/perl-values.js';
import type { PluginDef } from '../../stdlib/plugin.js';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { span, type Span } from '../diagnostics/source.js';
import { validateAgainst } from '../schema/validate.js';
import { backtrackingRegex, regexDiagnostic } from '../checks/regex.js';

/** isStringSchema tells whether a schema asks for a string and nothing else. */
function isStringSchema(s: unknown): boolean {
  return typeof s === 'object' && s !== null && (s as { type?: unknown }).type === 'string';
}

function perlString(v: unknown): unknown {
  return typeof v === 'number' || typeof v === 'boolean' ? str(v) : v;
}

/**
 * asPerlConfig gives a plugin the text Perl holds where its schema asks for
 * a string: Perl has no types, so `regexp_search: 0` is the pattern "0" and
 * `field: false` the field "" in the original (a list of strings likewise).
 */
export function asPerlConfig(def: PluginDef, config: Record<string, unknown>): Record<string, unknown> {
  const props = (def.schema.properties ?? {}) as Record<string, { type?: unknown; items?: unknown }>;
  const out = { ...config };
  for (const [k, s] of Object.entries(props)) {
    if (!(k in out)) continue;
    if (isStringSchema(s)) out[k] = perlString(out[k]);
    else if (s?.type === 'array' && isStringSchema(s.items) && Array.isArray(out[k])) out[k] = (out[k] as unknown[]).map(perlString);
  }
  return out;
}

const pluginCodes = { type: 'pluginConfig', unknownKey: 'pluginConfigUnknownKey', missing: 'pluginConfigMissing' } as const;

/** checkPluginConfig checks one rule's plugin config: its schema, the plugin's own checks, and its regexes. */
export function checkPluginConfig(def: PluginDef, config: Record<string, unknown>, configNode: Node | undefined, pluginSpan: Span, yaml: YamlFile): Diagnostic[] {
  const file = yaml.file;
  if (!configNode) {
    const required = (def.schema.required as string[] | undefined) ?? [];
    const problems = def.check?.({}) ?? [];
    if (required.length === 0 && problems.length === 0) return [];
    const needs = required.length ? required.map((k) => `\`${k}\``).join(', ') : problems[0].message;
    return [diagnostic('pluginConfigMissing', pluginSpan, `${def.name} needs a \`config:\` (${needs})`)];
  }
  const out = validateAgainst(def.schema, config, configNode, file, pluginCodes, `the ${def.name} config`);
  if (out.length > 0) return out;
  for (const p of def.check?.(config) ?? []) {
    const at = nodeAtPath(configNode, p.path) ?? configNode;
    out.push(diagnostic(p.missing ? 'pluginConfigMissing' : 'pluginConfig', nodeSpan(file, at), `${def.name}: ${p.message}`));
  }
  for (const rk of def.regexKeys ?? []) {
    const node = nodeAtPath(configNode, [rk.key]);
    if (!isScalar(node)) continue;
    const text = scalarText(node) ?? '';
    const t = translatePerlRegex(text, { dotall: rk.dotall });
    if (t.ok && !t.backtrack) continue;
    const offsets = scalarOffsets(file.text, node, text);
    const at = (offset: number, length: number) => span(file, offsets[Math.min(offset, text.length)], offsets[Math.min(offset + Math.max(length, 1) - 1, text.length)] + 1);
    const d = t.ok ? backtrackingRegex(t, at, text) : regexDiagnostic(t, at(t.offset, t.length), text);
    if (d) out.push(d);
  }
  return out;
}
