import type { Node } from 'yaml';
import type { Cond, TextSpan } from '../grammar/ast.js';
import type { PluginDef } from '../stdlib/plugin.js';
import { span, type SourceFile, type Span } from '../grammar/diagnostics/source.js';

/** ConditionSource is a condition as written, with the file offset of each of its characters. */
export interface ConditionSource {
  readonly text: string;
  readonly file: SourceFile;
  /** offsets[i] is the file offset of text[i]; one extra entry for the end. */
  readonly offsets: readonly number[];
  /** ast is set by the parse stage when the condition parsed. */
  ast?: Cond;
}

/** PluginUse is a rule's plugin with its configuration. */
export interface PluginUse {
  readonly name: string;
  readonly span: Span;
  readonly def?: PluginDef;
  readonly config: Record<string, unknown>;
  readonly configNode?: Node;
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
  const start = c.offsets[Math.min(s.start, c.text.length)];
  const end = s.end > s.start ? c.offsets[Math.min(s.end - 1, c.text.length)] + 1 : start;
  return span(c.file, start, end);
}

/** walkRules visits every rule of a list, parents before children. */
export function walkRules(rules: readonly RuleNode[], visit: (r: RuleNode) => void): void {
  for (const r of rules) {
    visit(r);
    walkRules(r.children, visit);
  }
}
