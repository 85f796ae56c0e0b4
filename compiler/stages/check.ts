import { constantConditions } from '../checks/constant-conditions.js';
import { mixedAndOr } from '../checks/mixed-and-or.js';
import { ruleNames } from '../checks/rule-names.js';
import { statusCase } from '../checks/status-case.js';
import { unreachable } from '../checks/unreachable.js';
import type { Diagnostic } from '../../grammar/diagnostics/diagnostic.js';
import type { RuleTree } from '../rule-tree.js';

/** checks are the semantic checks, each a small function of the parsed tree. */
export const checks: readonly ((tree: RuleTree) => Diagnostic[])[] = [
  mixedAndOr,
  constantConditions,
  unreachable,
  ruleNames,
  statusCase,
];

/** checkTree is the check stage: runs every semantic check. */
export function checkTree(tree: RuleTree): Diagnostic[] {
  return checks.flatMap((check) => check(tree));
}
