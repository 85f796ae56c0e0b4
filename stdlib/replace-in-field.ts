import type { PerlRegex } from '../runtime/perl-matcher.js';
import { str, truthy } from '../grammar/perl-values.js';
import type { Message, PluginInstance } from '../runtime/pipeline-api.js';

/**
 * replaceInField is the shared core of TransformField and CleanText:
 * `substitute` replaces the matches of `re` in `source`'s text, and the
 * result is stored in `target`.
 * A missing source is Perl's undef: a pattern that matches the empty text
 * makes it a text (`^` → `E` gives "E"); otherwise the target becomes null.
 * A false pattern (`0`) does nothing, as in the original.
 */
export function replaceInField(
  source: string,
  target: string,
  pattern: string,
  re: PerlRegex,
  substitute: (text: string, re: PerlRegex) => string,
): PluginInstance {
  if (!truthy(pattern)) return { react() {} };
  return {
    react(m: Message) {
      const value = m[source];
      if (value === undefined || value === null) {
        m[target] = re.test('') ? substitute('', re) : null;
        return;
      }
      m[target] = substitute(str(value), re);
    },
  };
}
