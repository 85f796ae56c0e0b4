import { children, type Cond } from '../../grammar/ast.js';
import { diagnostic, type Diagnostic } from '../../grammar/diagnostics/diagnostic.js';
import { conditionSpan, walkRules, type RuleTree } from '../rule-tree.js';

/** STATUSES are the values wubot's monitors and Status write into `status`, all upper case. */
const STATUSES = ['OK', 'WARNING', 'CRITICAL', 'UNKNOWN'];

/** spelledOtherwise is the upper-case status a test of `status` means when it spells one in another case. */
function spelledOtherwise(c: Cond): string | undefined {
  if (c.kind === 'equals' && c.field === 'status') return STATUSES.find((s) => s !== c.value && s === c.value.toUpperCase());
  if (c.kind === 'matches' && c.field === 'status' && !c.icase) {
    const word = /^\^?([A-Za-z]+)\$?$/.exec(c.regex)?.[1];
    return word ? STATUSES.find((s) => s !== word && s === word.toUpperCase()) : undefined;
  }
  return undefined;
}

function walk(c: Cond, visit: (c: Cond) => void): void {
  visit(c);
  for (const child of children(c)) walk(child, visit);
}

/**
 * statusCase warns about a test of `status` against a lower-case status.
 * The original's 0.3 monitors (Uptime, DiskSpace) wrote `critical`, its
 * Status plugin and wubot's monitors write `CRITICAL`: a rule carried over
 * from a 0.3 config would silently never fire.
 */
export function statusCase(tree: RuleTree): Diagnostic[] {
  const out: Diagnostic[] = [];
  walkRules(tree.rules, (r) => {
    const c = r.condition;
    if (!c?.ast) return;
    walk(c.ast, (leaf) => {
      const meant = spelledOtherwise(leaf);
      if (!meant || (leaf.kind !== 'equals' && leaf.kind !== 'matches')) return;
      out.push(
        diagnostic('statusCase', conditionSpan(c, leaf.span), `wubot's monitors write \`status: ${meant}\`, in upper case: this test does not match it`, {
          notes: ["the original's 0.3 Uptime and DiskSpace wrote lower-case statuses (and hosts running them still send them); its Status plugin and every wubot monitor write OK, WARNING, CRITICAL and UNKNOWN"],
          hint: `write \`status equals ${meant}\`, or \`status matches (?i)^${meant.toLowerCase()}$\` to match both spellings`,
        }),
      );
    });
  });
  return out;
}
