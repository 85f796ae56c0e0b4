import { perlRegex } from '../runtime/perl-matcher.js';
import { definePlugin } from './plugin.js';
import { replaceInField } from './replace-in-field.js';

interface Config {
  source_field: string;
  target_field?: string;
  regexp_search: string;
  regexp_replace?: string;
}

/**
 * replacer turns a Perl replacement text into a function of the match for a
 * regex with `groups` capture groups: `$1`, `${1}` and `\1` are captures, and a
 * group that did not take part, or does not exist, is empty.
 */
export function replacer(replacement: string, groups: number): (match: string, ...args: unknown[]) => string {
  const parts: (string | number)[] = [];
  const re = /\$(\d+)|\$\{(\d+)\}|\\(\d)|\\([nt\\$])/g;
  let last = 0;
  for (let m = re.exec(replacement); m; m = re.exec(replacement)) {
    parts.push(replacement.slice(last, m.index));
    if (m[4] !== undefined) parts.push(m[4] === 'n' ? '\n' : m[4] === 't' ? '\t' : m[4]);
    else parts.push(Number(m[1] ?? m[2] ?? m[3]));
    last = re.lastIndex;
  }
  parts.push(replacement.slice(last));
  return (match, ...args) =>
    parts
      .map((p) => (typeof p !== 'number' ? p : p === 0 ? match : p <= groups ? ((args[p - 1] as string | undefined) ?? '') : ''))
      .join('');
}

export default definePlugin<Config>({
  name: 'TransformField',
  summary: 'Search and replace in a field with a regex.',
  docs: 'Replaces every match of `regexp_search` in `source_field` by `regexp_replace` (default: nothing) and stores the result in `target_field` (default: the source field). In the replacement, `$1`, `${1}` and `\\1` stand for capture groups. A missing source is undef in Perl: the target becomes null, or the text of the replacement where the pattern matches the empty text (`^` replaced by `E` gives `E`).',
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
  writes: (c) => [c.target_field ?? c.source_field],
  create(c) {
    const re = perlRegex(c.regexp_search);
    return replaceInField(c.source_field, c.target_field ?? c.source_field, c.regexp_search, re, replacer(c.regexp_replace ?? '', re.groupCount));
  },
});
