import type { Cond } from './ast.js';
import { classify, FORMS as TEST_FORMS } from './kinds/index.js';

type Classified = { cond: Cond } | { error: string; hint?: string };

/**
 * classifyTest turns the text of one test into its AST node. `origin` maps an
 * index in `text` to an offset in the condition.
 */
export function classifyTest(text: string, origin: (i: number) => number): Classified {
  const cond = classify(text, { span: { start: origin(0), end: origin(text.length - 1) + 1 }, origin });
  return cond ? { cond } : { error: `cannot parse \`${text}\` as a test`, hint: hintFor(text) };
}

const FORMS = `the tests are ${TEST_FORMS}, joined by AND, OR, NOT and \`( … )\``;

/** hintFor suggests how to write what an unparseable test probably meant. */
export function hintFor(text: string): string {
  if (text.includes('\n')) {
    return 'the original splits at AND and OR only where neither side holds a line break: write the condition on one line, or as a folded block (`>-`)';
  }
  if (/ is not /.test(text)) return 'there is no `is not`: write `NOT F is true`, or `F is false`';
  if (/\s(and|or|not)\s/.test(` ${text} `)) return 'AND, OR and NOT must be written in capitals';
  if (/\s(==|!=|=)\s/.test(text)) return 'use `F equals V`; there is no `==`, `!=` or `=`';
  if (/ is (True|False|TRUE|FALSE|yes|no)$/.test(text)) return 'write `is true` or `is false` in lower case';
  if (/^[A-Za-z0-9_.]+\s*(<=|>=|<|>)\s*-/.test(text)) return 'negative numbers cannot be written in a comparison';
  if (/(<=|>=|<|>)/.test(text)) return 'a comparison needs exactly one space on each side of the operator: `load > 5`';
  if (/^[A-Za-z0-9_.]*-/.test(text)) return 'field names may hold letters, digits, `_` and `.`, not `-`';
  if (/^contains\s/.test(text)) return 'write `contains F` with exactly one space';
  if (/\s(is\s+true|is\s+false)$/.test(text)) return 'write `F is true` with single spaces';
  return FORMS;
}
