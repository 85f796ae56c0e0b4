import { parseCondition, type ParsedCondition } from '../../grammar/condition-parser.js';
import { conditionRegexes } from '../checks/condition-regexes.js';
import { diagnostic, type Diagnostic } from '../../grammar/diagnostics/diagnostic.js';
import { conditionSpan, walkRules, type RuleTree } from '../rule-tree.js';

const codeFor = {
  unparseable: 'conditionUnparseable',
  empty: 'conditionEmpty',
  groupInsideLeaf: 'groupInsideLeaf',
  tooManyGroups: 'tooManyGroups',
  tooLong: 'conditionTooLong',
} as const;

/** parseConditions is the parse stage: every condition into an AST, and its regexes into JavaScript, findings at their exact column. */
export function parseConditions(tree: RuleTree): Diagnostic[] {
  const out: Diagnostic[] = [];
  // a text means the same wherever it is written, and its AST's spans are relative to it: rules that repeat a
  // condition (`noforward is false`, often thousands of times in a big file) share one parse of it
  const parsedByText = new Map<string, ParsedCondition>();
  walkRules(tree.rules, (rule) => {
    const c = rule.condition;
    if (!c) return;
    let parsed = parsedByText.get(c.text);
    if (!parsed) parsedByText.set(c.text, (parsed = parseCondition(c.text)));
    c.ast = parsed.ast;
    for (const e of parsed.problems) {
      out.push(diagnostic(codeFor[e.kind], conditionSpan(c, e.span), e.message, { hint: e.hint, notes: e.notes ? [...e.notes] : undefined }));
    }
  });
  out.push(...conditionRegexes(tree));
  return out;
}
