import { str, truthy } from '../runtime/perl-values.js';
import type { Message, PluginInstance } from '../runtime/pipeline-api.js';

/**
 * replaceInField is the shared core of TransformField and CleanText: `substitute`
 * replaces the matches of `re` (given with the g flag) in `source`'s text, and
 * the result is stored in `target`.
 * A missing source is Perl's undef: a pattern that matches the empty text
 * makes it a text (`^` → `E` gives "E"); otherwise the target becomes null.
 * A false pattern (`0`) does nothing, as in the original.
 */
export function replaceInField(
  source: string,
  target: string,
  pattern: string,
  re: RegExp,
  substitute: (text: string, global: RegExp) => string,
): PluginInstance {
  const global = new RegExp(re.source, re.flags + 'g');
  if (!truthy(pattern)) return { react() {} };
  return {
    react(m: Message) {
      const value = m[source];
      if (value === undefined || value === null) {
        global.lastIndex = 0;
        const empty = global.test('');
        global.lastIndex = 0;
        m[target] = empty ? substitute('', global) : null;
        return;
      }
      m[target] = substitute(str(value), global);
    },
  };
}
