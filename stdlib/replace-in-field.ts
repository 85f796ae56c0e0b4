import { str } from '../runtime/perl-values.js';
import type { Message, PluginInstance } from '../runtime/pipeline-api.js';

/**
 * replaceInField is the shared core of TransformField and CleanText: every
 * match of `re` in `source` is replaced, and the result stored in `target`.
 * A missing source does nothing.
 */
export function replaceInField(source: string, target: string, re: RegExp, replacement: (match: string, ...args: unknown[]) => string): PluginInstance {
  const global = new RegExp(re.source, re.flags + 'g');
  return {
    react(m: Message) {
      const value = m[source];
      if (value === undefined || value === null) return;
      m[target] = str(value).replace(global, replacement);
    },
  };
}
