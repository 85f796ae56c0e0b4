import { perlRegex, type PerlRegex } from '../runtime/perl-matcher.js';
import { definePlugin } from './plugin.js';
import { replaceInField } from './replace-in-field.js';

interface Config {
  source_field: string;
  target_field?: string;
  regexp_search: string;
  regexp_replace?: string;
}

/**
 * substitution is the original's search and replace: every match becomes the
 * replacement text as it is; then, from the highest number down, each `$n`
 * and `\n` in the result becomes the n-th of all the captures of all the
 * matches (of all the matches themselves, for a pattern without groups). So
 * `(\d)` → `<$1>` on `a1b2` gives `a<1>b<1>`, and a `$1` that was in the text
 * is replaced too.
 */
export function substitution(replacement: string): (text: string, re: PerlRegex) => string {
  return (text, re) => {
    const items: (string | undefined)[] = [];
    for (const m of re.matchAll(text)) {
      if (m.length > 1) items.push(...m.slice(1));
      else items.push(m[0]);
    }
    let out = re.replace(text, () => replacement);
    for (let n = items.length; n >= 1; n--) {
      const v = items[n - 1] ?? '';
      out = out.split(`\\${n}`).join(v).split(`$${n}`).join(v);
    }
    return out;
  };
}

export default definePlugin<Config>({
  name: 'TransformField',
  summary: 'Search and replace in a field with a regex.',
  docs: 'Replaces every match of `regexp_search` in `source_field` by `regexp_replace` (default: nothing) and stores the result in `target_field` (default: the source field). Each match becomes the replacement text as it is; then every `$1` or `\\1` in the result (`$2` …) becomes the first capture of all the matches (the second …), as in the original: `(\\d)` → `<$1>` on `a1b2` gives `a<1>b<1>`. A missing source is undef in Perl: the target becomes null, or the text of the replacement where the pattern matches the empty text (`^` replaced by `E` gives `E`).',
  schema: {
    type: 'object',
    properties: {
      source_field: { type: 'string', description: 'the field to read' },
      target_field: { type: 'string', description: 'where to store the result' },
      regexp_search: { type: 'string', description: 'a Perl regex' },
      regexp_replace: { type: 'string', description: 'the replacement text' },
    },
    required: ['source_field', 'regexp_search'],
    additionalProperties: false,
  },
  regexKeys: [{ key: 'regexp_search' }],
  examples: [
    {
      title: 'shorten a host name',
      config: { source_field: 'hostname', regexp_search: '^(\\w+)\\..*$', regexp_replace: '$1' },
      input: { hostname: 'www.example.com' },
      output: { hostname: 'www' },
    },
    {
      title: 'replace every match',
      config: { source_field: 'subject', target_field: 'clean', regexp_search: '\\s+', regexp_replace: ' ' },
      input: { subject: 'a  b\t\tc' },
      output: { subject: 'a  b\t\tc', clean: 'a b c' },
    },
  ],
  effect: (c) => ({ writes: [c.target_field ?? c.source_field] }),
  create(c) {
    return replaceInField(c.source_field, c.target_field ?? c.source_field, c.regexp_search, perlRegex(c.regexp_search), substitution(c.regexp_replace ?? ''));
  },
});
