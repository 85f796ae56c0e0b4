/** ruleKeys are the keys a rule may have, with what each is for. */
export const ruleKeys: Record<string, { schema: Record<string, unknown>; description: string }> = {
  name: { schema: { type: ['string', 'number', 'boolean', 'null'] }, description: 'the rule name, logged in wubot_rulelog' },
  condition: {
    schema: { type: ['string', 'boolean', 'number', 'null'] },
    description: 'when the rule fires; without one it always fires',
  },
  rules: { schema: { $ref: '#/$defs/ruleList' }, description: 'child rules, run when this rule fires, before its plugin' },
  rulesfile: { schema: { type: 'string' }, description: 'a YAML file with more child rules' },
  plugin: { schema: { type: ['string', 'null'] }, description: 'the reactor plugin to run when the rule fires' },
  config: { schema: { type: 'object' }, description: "the plugin's configuration" },
  last_rule: { schema: {}, description: 'when true, no further rules run for this message' },
  rulesfile_field: { schema: {}, description: 'not supported: rule files are compiled ahead of time' },
};

/** ruleFileSchema is the JSON Schema of a reactor rule file: a mapping with a `rules:` list. */
export const ruleFileSchema = {
  $id: 'https://wubot.invalid/schemas/rule-file.json',
  type: 'object',
  properties: { rules: { $ref: '#/$defs/ruleList' } },
  required: ['rules'],
  additionalProperties: false,
  $defs: {
    ruleList: { type: 'array', items: { $ref: '#/$defs/rule' } },
    rule: {
      type: 'object',
      properties: Object.fromEntries(
        Object.entries(ruleKeys).map(([k, v]) => [k, { ...v.schema, description: v.description }]),
      ),
      additionalProperties: false,
    },
  },
} as const;
