import type { Cond } from '../../grammar/ast.js';
import { translatePerlRegex } from '../../grammar/perl-regex.js';
import type { Diagnostic } from '../../grammar/diagnostics/diagnostic.js';
import { conditionSpan, walkRules, type ConditionSource, type RuleTree } from '../rule-tree.js';
import { backtrackingRegex, caseEscapeDiagnostic, caseEscapes, regexDiagnostic } from './regex.js';

function visit(c: Cond, src: ConditionSource, out: Diagnostic[]): void {
  switch (c.kind) {
    case 'and':
    case 'or':
      visit(c.left, src, out);
      visit(c.right, src, out);
      return;
    case 'not':
      visit(c.operand, src, out);
      return;
    case 'group':
      visit(c.inner, src, out);
      return;
    case 'choose':
      for (const x of [c.on, c.then, c.else]) visit(x, src, out);
      return;
    case 'matches': {
      const at = (i: number): number => (c.regexOffsets ? c.regexOffsets[Math.min(i, c.regex.length)] : c.regexSpan.start + i);
      for (const i of caseEscapes(c.regex)) {
        add(out, caseEscapeDiagnostic(c.regex, i, conditionSpan(src, { start: at(i), end: at(i + 2) })));
      }
      const t = translatePerlRegex(c.regex, { icase: c.icase });
      const range = (offset: number, length: number) => {
        const start = at(offset);
        return conditionSpan(src, { start, end: Math.max(start, at(offset + length)) });
      };
      const d = t.ok ? backtrackingRegex(t, range, c.regex) : regexDiagnostic(t, range(t.offset, t.length), c.regex);
      if (d) add(out, d);
      return;
    }
    default:
      return;
  }
}

/** add keeps one finding of each message at each place of a condition (a regex written twice in it is said once). */
function add(out: Diagnostic[], d: Diagnostic): void {
  if (!out.some((o) => o.message === d.message && o.primary.span.start === d.primary.span.start)) out.push(d);
}

/** conditionRegexes checks that every `matches`/`imatches` regex translates and compiles. */
export function conditionRegexes(tree: RuleTree): Diagnostic[] {
  const out: Diagnostic[] = [];
  // the parse stage shares one AST among the rules that repeat a condition: one found clean is not looked at again
  const clean = new WeakSet<Cond>();
  walkRules(tree.rules, (r) => {
    const ast = r.condition?.ast;
    if (!ast || clean.has(ast)) return;
    const found: Diagnostic[] = [];
    visit(ast, r.condition, found);
    if (found.length) out.push(...found);
    else clean.add(ast);
  });
  return out;
}
