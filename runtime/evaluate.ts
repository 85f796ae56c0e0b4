import type { Cond } from '../grammar/ast.js';
import { evaluateTest, type Env } from '../grammar/kinds/index.js';
import { perlRegex } from './perl-matcher.js';
import { isFalse, isTrue, num, str, trueText, truthy } from '../grammar/perl-values.js';
import type { Message } from './pipeline-api.js';

/** ENV gives the tests of the condition language Perl's values and regexes. */
export const ENV: Env = { truthy, str, num, isTrue, isFalse, trueText, regex: (source, icase) => perlRegex(source, { icase }) };

/** evaluate is the reference meaning of a condition for a message, as the original wubot's istrue. */
export function evaluate(c: Cond, m: Message): boolean {
  switch (c.kind) {
    case 'and':
      return evaluate(c.left, m) && evaluate(c.right, m);
    case 'or':
      return evaluate(c.left, m) || evaluate(c.right, m);
    case 'not':
      return !evaluate(c.operand, m);
    case 'group':
      return evaluate(c.inner, m);
    case 'choose':
      return evaluate(c.on, m) ? evaluate(c.then, m) : evaluate(c.else, m);
    case 'const':
      return c.value;
    default:
      return evaluateTest(c, m, ENV);
  }
}
