import type { TextSpan } from '../ast.js';
import { code } from '../code.js';
import { isCounting } from '../scalar-offsets.js';
import { defineKind, FIELD, own, SPACES, tailOf, type Values } from './kind.js';

/** `F matches R`, `F imatches R`: the field holds a true value whose text the Perl regex R matches. */
export interface MatchesTest {
  readonly kind: 'matches';
  readonly field: string;
  readonly regex: string;
  readonly icase: boolean;
  readonly span: TextSpan;
  readonly regexSpan: TextSpan;
  /** regexOffsets maps each regex character to the condition text where groups inside it were replaced. */
  readonly regexOffsets?: readonly number[];
}

/** the original also needs the pattern and the field name to be true, so `F matches 0` never holds */
function never(n: MatchesTest, v: Values): boolean {
  return !v.truthy(n.regex) || !v.truthy(n.field);
}

/** like is an emitted `matches` test: a text (see txt) the regex matches. */
export const like = (s: string | undefined, re: { test(s: string): boolean }): boolean => s !== undefined && re.test(s);

export const matches = defineKind<MatchesTest>({
  kind: 'matches',
  forms: ['`F matches R`', '`F imatches R`'],
  keywords: ['matches', 'imatches'],
  pattern: new RegExp(`^${FIELD}${SPACES}(matches|imatches)${SPACES}([^\\n]*)$`, 'u'),
  parse: (m, at) => {
    const [a, b] = tailOf(m, 3);
    // a loop at the array's size: Array.from({ length }, f) costs ten times as much
    const offsets = new Array<number>(b - a + 1);
    for (let i = a; i < b; i++) offsets[i - a] = at.origin(i);
    offsets[b - a] = at.origin(b - 1) + 1;
    return {
      kind: 'matches',
      field: m[1],
      regex: m[3],
      icase: m[2] === 'imatches',
      span: at.span,
      regexSpan: at.tail(m, 3),
      ...(isCounting(offsets) ? {} : { regexOffsets: offsets }),
    };
  },
  unparse: (n) => `${n.field} ${n.icase ? 'imatches' : 'matches'} ${n.regex}`,
  fields: (n) => [n.field],
  constant: (n, v) => (never(n, v) ? false : undefined),
  evaluate: (n, m, env) => {
    if (never(n, env)) return false;
    const text = env.trueText(own(m, n.field));
    return text !== undefined && env.regex(n.regex, n.icase).test(text);
  },
  helpers: { like },
  emit: (n, e) => (never(n, e.values) ? code`false` : code`like(${e.text(n.field)}, ${e.regex(n.regex, n.icase)})`),
});
