import { isYamlScalar, nodeAtPath, nodeSpan, scalarText, type YamlNode } from '../../grammar/yaml-nodes.js';
import { translatePerlRegex } from '../../grammar/perl-regex.js';
import { num, str } from '../../grammar/perl-values.js';
import type { JsonSchema, PluginDef } from '../../stdlib/plugin.js';
import { diagnostic, type Diagnostic } from '../../grammar/diagnostics/diagnostic.js';
import { span, type SourceFile, type Span } from '../../grammar/diagnostics/source.js';
import { validateAgainst } from '../schema/validate.js';
import { backtrackingRegex, caseEscapeDiagnostic, caseEscapes, regexDiagnostic } from '../checks/regex.js';

/** isStringSchema tells whether a schema asks for a string and nothing else. */
function isStringSchema(s: unknown): boolean {
  return typeof s === 'object' && s !== null && (s as { type?: unknown }).type === 'string';
}

function perlString(v: unknown): unknown {
  return typeof v === 'number' || typeof v === 'boolean' ? str(v) : v;
}

function allowsType(s: { type?: unknown } | undefined, t: string): boolean {
  return s?.type === t || (Array.isArray(s?.type) && s.type.includes(t));
}

/**
 * perlScalars gives a config the values Perl holds where its schema asks
 * for a string or a number: Perl has no types, so `regexp_search: 0` is the
 * pattern "0" and `field: false` the field "" in the original (a list of
 * strings likewise), and `warning_load: 2.0` (text to YAML::XS) the number 2.
 */
export function perlScalars(schema: JsonSchema, config: Record<string, unknown>): Record<string, unknown> {
  const props = (schema.properties ?? {}) as Record<string, { type?: unknown; items?: unknown }>;
  const out = { ...config };
  for (const [k, s] of Object.entries(props)) {
    if (!Object.hasOwn(out, k)) continue;
    const v = out[k];
    if (isStringSchema(s)) out[k] = perlString(v);
    else if (s?.type === 'array' && isStringSchema(s.items) && Array.isArray(v)) out[k] = v.map(perlString);
    else if ((allowsType(s, 'number') || allowsType(s, 'integer')) && !allowsType(s, 'string') && typeof v === 'string' && Number.isFinite(num(v))) out[k] = num(v);
  }
  return out;
}

/** asPerlConfig is perlScalars for a reactor plugin's config. */
export function asPerlConfig(def: PluginDef, config: Record<string, unknown>): Record<string, unknown> {
  return perlScalars(def.schema, config);
}

/** nullKeys are the config keys holding null where the plugin's schema does not take null. */
function nullKeys(def: PluginDef, config: Record<string, unknown>): string[] {
  const props = (def.schema.properties ?? {}) as Record<string, { type?: unknown }>;
  return Object.keys(config).filter((k) => config[k] === null && k in props && props[k]?.type !== undefined && props[k].type !== 'null' && !(Array.isArray(props[k].type) && props[k].type.includes('null')));
}

const pluginCodes = { type: 'pluginConfig', unknownKey: 'pluginConfigUnknownKey', missing: 'pluginConfigMissing' } as const;

/** checkPluginConfig checks one rule's plugin config: its schema, the plugin's own checks, and its regexes. */
export function checkPluginConfig(def: PluginDef, config: Record<string, unknown>, configNode: YamlNode | undefined, pluginSpan: Span, file: SourceFile): Diagnostic[] {
  if (!configNode) {
    const required = (def.schema.required as string[] | undefined) ?? [];
    const problems = def.check?.({}) ?? [];
    if (required.length === 0 && problems.length === 0) return [];
    const needs = required.length ? required.map((k) => `\`${k}\``).join(', ') : problems[0].message;
    return [diagnostic('pluginConfigMissing', pluginSpan, `${def.name} needs a \`config:\` (${needs})`)];
  }
  const nulls = nullKeys(def, config);
  if (nulls.length > 0) {
    return nulls.map((k) =>
      diagnostic('pluginConfig', nodeSpan(file, nodeAtPath(configNode, [k]) ?? configNode), `${def.name}: \`${k}\` is null (\`~\`, \`null\` or empty), which the original takes as not given`, {
        notes: [`the original's ${def.name} then runs as if \`${k}\` were not there, which may do nothing at all`],
        hint: `give \`${k}\` a value (quote it, \`'null'\`, for that text), or remove it`,
      }),
    );
  }
  const out = validateAgainst(def.schema, config, configNode, file, pluginCodes, `the ${def.name} config`);
  if (out.length > 0) return out;
  for (const p of def.check?.(config) ?? []) {
    const at = nodeAtPath(configNode, p.path) ?? configNode;
    out.push(diagnostic(p.missing ? 'pluginConfigMissing' : 'pluginConfig', nodeSpan(file, at), `${def.name}: ${p.message}`));
  }
  for (const rk of def.regexKeys ?? []) {
    const node = nodeAtPath(configNode, [rk.key]);
    if (!isYamlScalar(node)) continue;
    const text = scalarText(node) ?? '';
    const offsets = node.offsets();
    for (const i of caseEscapes(text)) out.push(caseEscapeDiagnostic(text, i, span(file, offsets[i], offsets[Math.min(i + 2, text.length)])));
    const t = translatePerlRegex(text, { dotall: rk.dotall });
    if (t.ok && !t.backtrack) continue;
    const at = (offset: number, length: number) => span(file, offsets[Math.min(offset, text.length)], offsets[Math.min(offset + Math.max(length, 1) - 1, text.length)] + 1);
    const d = t.ok ? backtrackingRegex(t, at, text) : regexDiagnostic(t, at(t.offset, t.length), text);
    if (d) out.push(d);
  }
  return out;
}
