import { genericKeys, type MonitorPluginDef } from '../../stdlib/monitor-plugin.js';
import type { PluginDef } from '../../stdlib/plugin.js';
import { ruleFileSchema, ruleKeys } from './rule-file-schema.js';

/*
 * JSON Schemas for editors (draft-07, which YAML language servers read
 * best), made from the very schemas the compiler checks with: a rule file,
 * where each rule's `config` is checked against the schema of the plugin it
 * names, and one schema per monitor plugin for its instance files.
 */

type Json = Record<string, unknown>;

const DRAFT = 'http://json-schema.org/draft-07/schema#';

/** draft07 rewrites `$defs` references the compiler's schemas use into draft-07 `definitions`. */
function draft07<T>(schema: T): T {
  return JSON.parse(JSON.stringify(schema).replaceAll('"$defs"', '"definitions"').replaceAll('#/$defs/', '#/definitions/')) as T;
}

function ruleDefinitions(plugins: ReadonlyMap<string, PluginDef>): Json {
  const names = [...plugins.keys()].sort();
  const rule = {
    type: 'object',
    properties: {
      ...Object.fromEntries(Object.entries(ruleKeys).map(([k, v]) => [k, { ...v.schema, description: v.description }])),
      plugin: { type: 'string', enum: names, description: `${ruleKeys.plugin.description}: ${names.join(', ')}` },
    },
    additionalProperties: false,
    // the config of the plugin a rule names is checked against that plugin's schema
    allOf: names.map((name) => {
      const def = plugins.get(name)!;
      return {
        if: { properties: { plugin: { const: name } }, required: ['plugin'] },
        then: { properties: { config: { ...def.schema, description: `${def.summary} ${def.docs}` } } },
      };
    }),
  };
  return draft07({ ruleList: ruleFileSchema.$defs.ruleList, rule });
}

/** ruleFileEditorSchema is the schema of a reactor rule file (`reactor.yaml`, files named by `rulesfile`). */
export function ruleFileEditorSchema(plugins: ReadonlyMap<string, PluginDef>): Json {
  return {
    $schema: DRAFT,
    $id: 'https://wubot.invalid/schemas/rule-file.schema.json',
    title: 'wubot reactor rule file',
    type: 'object',
    properties: { rules: { $ref: '#/definitions/ruleList', description: 'the rules, run in order on every message' } },
    required: ['rules'],
    additionalProperties: false,
    definitions: ruleDefinitions(plugins),
  };
}

/** instanceEditorSchema is the schema of one monitor plugin's instance files (`plugins/<Plugin>/<name>.yaml`). */
export function instanceEditorSchema(def: MonitorPluginDef, plugins: ReadonlyMap<string, PluginDef>): Json {
  return {
    $schema: DRAFT,
    $id: `https://wubot.invalid/schemas/instances/${def.name}.schema.json`,
    title: `wubot ${def.name} monitor instance`,
    description: `${def.summary} ${def.docs}`,
    type: 'object',
    properties: draft07({ ...((def.schema.properties as Json | undefined) ?? {}), ...genericKeys }),
    required: def.schema.required ?? [],
    additionalProperties: false,
    definitions: ruleDefinitions(plugins),
  };
}
