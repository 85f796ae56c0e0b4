import type { Effect, JsonSchema, PluginDef } from '../../stdlib/plugin.js';
import { fieldsOf } from '../../stdlib/field-effects.js';

/*
 * The reactor plugin reference (docs/plugins.md), made from the plugin
 * definitions the compiler checks with: their schema keys, docs, examples
 * and the effect each example's config declares, so it cannot drift from them.
 */

const code = (s: string) => `\`${s}\``;
const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');
const json = (v: unknown) => JSON.stringify(v);

function keyType(s: JsonSchema): string {
  if (Array.isArray(s.enum)) return s.enum.map((v) => json(v)).join(' or ');
  if (typeof s.type === 'string') return s.type;
  if (Array.isArray(s.type)) return s.type.join(' or ');
  if (Array.isArray(s.oneOf) || Array.isArray(s.anyOf)) return ((s.oneOf ?? s.anyOf) as JsonSchema[]).map(keyType).join(' or ');
  return 'any';
}

function keyTable(schema: JsonSchema): string[] {
  const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  if (Object.keys(props).length === 0) return ['No config keys.'];
  return [
    '| key | type | required | meaning |',
    '| --- | --- | --- | --- |',
    ...Object.entries(props).map(([k, s]) => `| ${code(k)} | ${cell(keyType(s))} | ${required.has(k) ? 'yes' : ''} | ${cell(String(s.description ?? ''))} |`),
  ];
}

/** entries says how many entries a table has, in words. */
function entries(n: number): string {
  return `${n} ${n === 1 ? 'entry' : 'entries'}`;
}

/** describeEffect says in words what an effect does to a message. */
export function describeEffect(e: Effect): string {
  const parts: string[] = [];
  const sets = e.sets ?? [];
  if (sets.length) parts.push(`sets ${sets.map((s) => `${code(s.field)} to ${code(json(s.value))}${s.unlessTrue ? ' unless it already holds a true value' : ''}`).join(', ')}`);
  if (e.deletes?.length) parts.push(`deletes ${e.deletes.map(code).join(', ')}`);
  if (e.copies?.length) parts.push(`copies ${e.copies.map((c) => `${code(c.from)} to ${code(c.to)}`).join(', ')}`);
  for (const l of e.lookups ?? []) parts.push(`sets ${code(l.to)} to the entry for the text of ${code(l.from)} in a table of ${entries(Object.keys(l.table).length)}`);
  for (const s of e.splits ?? []) parts.push(`sets ${s.to.map(code).join(', ')} to the comma-separated parts of ${code(s.from)}, from the right`);
  for (const f of e.fills ?? []) {
    const read = fieldsOf(f);
    parts.push(`sets ${code(f.to)} to a text filled in${read.length ? ` with ${read.map(code).join(', ')}` : ''}`);
  }
  if (e.writes === 'any') parts.push('may change any field');
  else if (e.writes?.length) parts.push(`may change ${e.writes.map(code).join(', ')}`);
  if (e.queue !== undefined) parts.push(`appends the message to the queue ${code(e.queue)}`);
  return parts.length ? parts.join('; ') : 'changes no field';
}

function pluginSection(def: PluginDef): string[] {
  const out = [`## ${def.name}`, '', def.summary, '', def.docs, '', ...keyTable(def.schema), ''];
  for (const ex of def.examples) {
    out.push(`### Example: ${ex.title}`, '', `Effect: ${describeEffect(def.effect(ex.config))}.`, '', '```', `config: ${json(ex.config)}`, `input:  ${json(ex.input)}`, `output: ${json(ex.output)}`, '```', '');
  }
  return out;
}

/** pluginReference is the Markdown text of docs/plugins.md. */
export function pluginReference(plugins: ReadonlyMap<string, PluginDef>): string {
  const defs = [...plugins.values()].sort((a, b) => a.name.localeCompare(b.name));
  const lines = [
    '# Reactor plugins',
    '',
    '<!-- Made from the plugin definitions in stdlib/ by `npm run docs`; edit those, not this file. -->',
    '',
    'Each rule names one of these with `plugin:` and gives its `config:`. Every example below runs as a test, and the effect shown is what the optimizer and the loop check assume the plugin does to a message.',
    '',
    ...defs.map((d) => `- [${d.name}](#${d.name.toLowerCase()}): ${d.summary}`),
    '',
    ...defs.flatMap(pluginSection),
  ];
  return lines.join('\n').replace(/\n+$/, '\n');
}
