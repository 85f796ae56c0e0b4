/**
 * The registry of diagnostic codes. Bands: 1xxx YAML and rule-tree shape,
 * 2xxx condition syntax, 3xxx semantic checks, 4xxx cross-host routing,
 * 5xxx plugin configuration. A code is never reused for another meaning.
 */
export type Severity = 'error' | 'warning' | 'info';

export interface CodeInfo {
  readonly code: string;
  readonly severity: Severity;
  readonly title: string;
}

function def(code: string, severity: Severity, title: string): CodeInfo {
  return { code, severity, title };
}

export const codes = {
  yamlSyntax: def('WB1001', 'error', 'YAML syntax error'),
  notAMapping: def('WB1002', 'error', 'rule file must be a mapping with a `rules:` list'),
  schemaType: def('WB1003', 'error', 'value has the wrong type'),
  unknownKey: def('WB1004', 'error', 'unknown key'),
  missingKey: def('WB1005', 'error', 'missing required key'),
  rulesfileMissing: def('WB1006', 'error', 'rulesfile cannot be read'),
  rulesfileCycle: def('WB1007', 'error', 'rulesfile includes itself'),
  unsupportedKey: def('WB1008', 'error', 'key not supported'),
  duplicateKey: def('WB1009', 'error', 'duplicate key'),
  ignoredKey: def('WB1010', 'warning', 'key the plugin does not read: ignored, as in the original'),
  readDifferently: def('WB1011', 'warning', 'value the original read otherwise'),

  conditionUnparseable: def('WB2001', 'warning', 'test cannot be parsed: false, as in the original'),
  conditionEmpty: def('WB2002', 'warning', 'condition is false to Perl: no condition, as in the original'),
  groupInsideLeaf: def('WB2003', 'warning', 'parenthesised group inside a test: replaced by TRUE or FALSE, as in the original'),
  tooManyGroups: def('WB2004', 'error', 'too many parenthesised groups inside one test'),
  conditionTooLong: def('WB2005', 'error', 'condition too long'),
  regexCaseEscape: def('WB2006', 'warning', '`\\Q`, `\\E`, `\\U`, `\\L`, `\\u` or `\\l` in a regex is a plain letter, as in the original'),

  unknownPlugin: def('WB3001', 'error', 'unknown plugin'),
  regexInvalid: def('WB3002', 'error', 'regex does not compile'),
  regexUnsupported: def('WB3003', 'error', 'regex feature has no exact JavaScript equivalent'),
  mixedAndOr: def('WB3004', 'warning', 'AND and OR mixed without parentheses'),
  conditionConstant: def('WB3005', 'warning', 'condition is always true or always false'),
  ruleNeverRuns: def('WB3006', 'warning', 'rule can never run'),
  ruleWithoutName: def('WB3007', 'warning', 'rule has no name'),
  regexBacktracks: def('WB3008', 'warning', 'regex needs a backtracking engine: it may take unbounded time'),
  statusCase: def('WB3009', 'warning', 'status spelt in lower case: wubot writes statuses in upper case'),

  routingLoop: def('WB4001', 'error', 'routing loop: messages go round forever'),
  possibleRoutingLoop: def('WB4002', 'warning', 'possible routing loop: some messages may go round forever'),

  pluginConfig: def('WB5001', 'error', 'plugin configuration is invalid'),
  pluginConfigMissing: def('WB5002', 'error', 'plugin configuration is missing a required key'),
  pluginConfigUnknownKey: def('WB5003', 'error', 'unknown plugin configuration key'),
} as const;

export type CodeName = keyof typeof codes;
