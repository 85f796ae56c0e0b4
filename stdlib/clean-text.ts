import { perlRegex } from '../runtime/perl-matcher.js';
import { definePlugin } from './plugin.js';
import { replaceInField } from './replace-in-field.js';

interface Config {
  source_field: string;
  regexp_search: string;
  target_field?: string;
}

export default definePlugin<Config>({
  name: 'CleanText',
  summary: 'Delete every match of a regex from a field.',
  docs: 'Removes all matches of `regexp_search` from `source_field` and stores the result in `target_field` (default: the source field). A missing source is undef in Perl: the target becomes null, or the text of the replacement where the pattern matches the empty text.',
  schema: {
    type: 'object',
    properties: {
      source_field: { type: 'string', description: 'the field to read' },
      regexp_search: { type: 'string', description: 'a Perl regex; every match is removed' },
      target_field: { type: 'string', description: 'where to store the result' },
    },
    required: ['source_field', 'regexp_search'],
    additionalProperties: false,
  },
  // the original removes with /s: `.` matches a line break
  regexKeys: [{ key: 'regexp_search', dotall: true }],
  examples: [
    {
      title: 'drop a mailing-list tag',
      config: { source_field: 'subject', regexp_search: '\\[wubot-users\\]\\s*' },
      input: { subject: '[wubot-users] new release' },
      output: { subject: 'new release' },
    },
  ],
  effect: (c) => ({ writes: [c.target_field ?? c.source_field] }),
  create(c) {
    return replaceInField(c.source_field, c.target_field ?? c.source_field, c.regexp_search, perlRegex(c.regexp_search, { dotall: true }), (text, re) => re.replace(text, () => ''));
  },
});
