import type { Cond, Operand } from './ast.js';
import { PERL_SPACE, PERL_WORD } from './perl-classes.js';

/*
 * The tests of the condition language, each the exact pattern the original
 * matches a whole test against (after AND/OR/NOT are split off). Field names
 * are flat keys of Perl word characters (Unicode letters, digits, `_`) and `.`.
 */
const F = `([${PERL_WORD}.]+)`;
const S = `[${PERL_SPACE}]+`;
const EQUALS = new RegExp(`^${F}${S}equals${S}([^\\n]*)$`, 'du');
const MATCHES = new RegExp(`^${F}${S}(matches|imatches)${S}([^\\n]*)$`, 'du');
const CONTAINS = new RegExp(`^contains ${F}$`, 'u');
const IS_BOOL = new RegExp(`^${F} is (true|false)$`, 'u');
const COMPARE = new RegExp(`^${F} (<=|>=|<|>) ${F}$`, 'u');
const NUMBER_LITERAL = /^(?:(?:\d+\.?\d*|\.\d+)(?:[eE]\d+)?|inf(?:inity)?|nan)$/i;

/** numberLiteral parses an operand that looks like a number to Perl, or returns undefined. */
export function numberLiteral(text: string): number | undefined {
  if (!NUMBER_LITERAL.test(text)) return undefined;
  const lower = text.toLowerCase();
  if (lower.startsWith('inf')) return Infinity;
  if (lower === 'nan') return NaN;
  return Number(text);
}

function operand(text: string): Operand {
  const n = numberLiteral(text);
  return n === undefined ? { kind: 'field', name: text } : { kind: 'number', value: n, text };
}

type Classified = { cond: Cond } | { error: string; hint?: string };

/**
 * classifyTest turns the text of one test into its AST node. `origin` maps an
 * index in `text` to an offset in the condition.
 */
export function classifyTest(text: string, origin: (i: number) => number): Classified {
  const span = { start: origin(0), end: origin(text.length - 1) + 1 };
  const at = (a: number, b: number) => ({ start: origin(a), end: b > a ? origin(b - 1) + 1 : origin(a) });
  let m: RegExpExecArray | null;
  if ((m = EQUALS.exec(text))) {
    const [a, b] = m.indices![2];
    return { cond: { kind: 'equals', field: m[1], value: m[2], span, valueSpan: at(a, b) } };
  }
  if ((m = MATCHES.exec(text))) {
    const [a, b] = m.indices![3];
    const offsets = Array.from({ length: b - a + 1 }, (_, i) => (i < b - a ? origin(a + i) : origin(b - 1) + 1));
    const contiguous = offsets.every((o, i) => o === offsets[0] + i);
    return {
      cond: {
        kind: 'matches',
        field: m[1],
        regex: m[3],
        icase: m[2] === 'imatches',
        span,
        regexSpan: at(a, b),
        ...(contiguous ? {} : { regexOffsets: offsets }),
      },
    };
  }
  if ((m = CONTAINS.exec(text))) return { cond: { kind: 'contains', field: m[1], span } };
  if ((m = IS_BOOL.exec(text))) return { cond: { kind: m[2] === 'true' ? 'istrue' : 'isfalse', field: m[1], span } };
  if ((m = COMPARE.exec(text))) {
    return { cond: { kind: 'compare', op: m[2] as '<', left: operand(m[1]), right: operand(m[3]), span } };
  }
  return { error: `cannot parse \`${text}\` as a test`, hint: hintFor(text) };
}

const FORMS =
  'the tests are `F equals V`, `F matches R`, `F imatches R`, `contains F`, `F is true`, `F is false` and `A < B` (also <=, >, >=), joined by AND, OR, NOT and `( … )`';

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
