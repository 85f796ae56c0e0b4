import type { Cond, TextSpan } from '../grammar/ast.js';
import type { PluginDef } from '../stdlib/plugin.js';
import { span, type SourceFile, type Span } from '../grammar/diagnostics/source.js';

/** ConditionSource is a condition as written, and where each of its characters is in its file. */
export interface ConditionSource {
  readonly text: string;
  readonly file: SourceFile;
  /** at is the file offset of text[0]. */
  readonly at: number;
  /**
   * offsets[i] is the file offset of text[i], with one extra entry for the
   * end; given only where the text does not sit in the file as it is
   * (escapes, folded lines): a big file has eighty thousand conditions.
   */
  readonly offsets?: readonly number[];
  /** ast is the parse stage's, in the tree it gives, when the condition parsed. */
  readonly ast?: Cond;
}

/** PluginUse is a rule's plugin with its configuration. */
export interface PluginUse {
  readonly name: string;
  readonly span: Span;
  readonly def?: PluginDef;
  readonly config: Record<string, unknown>;
}

/** RuleNode is one rule of a tree, children first in execution order. */
export interface RuleNode {
  /** id numbers rules in source order, across included files. */
  readonly id: number;
  readonly name?: string;
  readonly file: SourceFile;
  /** span is the rule's first line, where rule-level findings are shown. */
  readonly span: Span;
  readonly condition?: ConditionSource;
  readonly plugin?: PluginUse;
  readonly lastRule: boolean;
  /** children are the `rules:` list followed by the rules of `rulesfile`. */
  readonly children: RuleNode[];
}

/** RuleTree is a whole rule file with what it includes. */
export interface RuleTree {
  readonly path: string;
  readonly files: SourceFile[];
  readonly rules: RuleNode[];
}

/** conditionSpan maps a span inside a condition's text to a span in its file. */
export function conditionSpan(c: ConditionSource, s: TextSpan): Span {
  const place = (i: number): number => (c.offsets ? c.offsets[Math.min(i, c.text.length)] : c.at + Math.min(i, c.text.length));
  const start = place(s.start);
  const end = s.end > s.start ? place(s.end - 1) + 1 : start;
  return span(c.file, start, end);
}

/** walkRules visits every rule of a list, parents before children. */
export function walkRules(rules: readonly RuleNode[], visit: (r: RuleNode) => void): void {
  for (const r of rules) {
    visit(r);
    walkRules(r.children, visit);
  }
}
