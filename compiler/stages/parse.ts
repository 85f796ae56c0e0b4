import { parseCondition, type ParsedCondition } from '../../grammar/condition-parser.js';
import { conditionRegexes } from '../checks/condition-regexes.js';
import { diagnostic, type Diagnostic } from '../../grammar/diagnostics/diagnostic.js';
import { conditionSpan, type RuleNode, type RuleTree } from '../rule-tree.js';

const codeFor = {
  unparseable: 'conditionUnparseable',
  empty: 'conditionEmpty',
  groupInsideLeaf: 'groupInsideLeaf',
  tooManyGroups: 'tooManyGroups',
  tooLong: 'conditionTooLong',
} as const;

/**
 * parseConditions is the parse stage: a new tree whose conditions have their
 * ASTs, and the regexes of the conditions checked, findings at their exact
 * column. The loaded tree is left as it is.
 */
export function parseConditions(tree: RuleTree): { tree: RuleTree; diagnostics: Diagnostic[] } {
  const out: Diagnostic[] = [];
  // a text means the same wherever it is written, and its AST's spans are relative to it: rules that repeat a
  // condition (`noforward is false`, often thousands of times in a big file) share one parse of it
  const parsedByText = new Map<string, ParsedCondition>();
  const rule = (r: RuleNode): RuleNode => {
    const children = r.children.map(rule);
    const c = r.condition;
    if (!c) return { ...r, children };
    let parsed = parsedByText.get(c.text);
    if (!parsed) parsedByText.set(c.text, (parsed = parseCondition(c.text)));
    for (const e of parsed.problems) {
      out.push(diagnostic(codeFor[e.kind], conditionSpan(c, e.span), e.message, { hint: e.hint, notes: e.notes ? [...e.notes] : undefined }));
    }
    return { ...r, condition: parsed.ast ? { ...c, ast: parsed.ast } : c, children };
  };
  const parsedTree = { ...tree, rules: tree.rules.map(rule) };
  out.push(...conditionRegexes(parsedTree));
  return { tree: parsedTree, diagnostics: out };
}
