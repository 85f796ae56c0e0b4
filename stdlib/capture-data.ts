import { perlRegex } from '../runtime/perl-matcher.js';
import { str, truthy } from '../grammar/perl-values.js';
import type { Message } from '../runtime/pipeline-api.js';
import { definePlugin, requireOne } from './plugin.js';

interface Config {
  source_field?: string;
  field?: string;
  regexp?: string;
  regexp_field?: string;
  target_field?: string;
}

export default definePlugin<Config>({
  name: 'CaptureData',
  summary: 'Capture the first group of a regex into a field.',
  docs: 'Matches the value of `source_field` (or `field`) against `regexp` (or the regex in the field named by `regexp_field`), with `.` matching newlines, and stores capture group 1 in `target_field` (default: the source field) when the match succeeds and the capture is true. An empty source does nothing.',
  schema: {
    type: 'object',
    properties: {
      source_field: { type: 'string', description: 'the field to match' },
      field: { type: 'string', description: 'the field to match (older name of source_field)' },
      regexp: { type: 'string', description: 'a Perl regex with one capture group' },
      regexp_field: { type: 'string', description: 'a field holding the regex' },
      target_field: { type: 'string', description: 'where to store the capture' },
    },
    additionalProperties: false,
  },
  regexKeys: [{ key: 'regexp', dotall: true }],
  check: (c) => [
    ...requireOne(c, ['source_field', 'field']),
    ...requireOne(c, ['regexp', 'regexp_field']),
  ],
  examples: [
    {
      title: 'pull a number out of a subject',
      config: { source_field: 'subject', regexp: 'load is (\\d+\\.\\d+)', target_field: 'load' },
      input: { subject: 'load is 3.25 now' },
      output: { subject: 'load is 3.25 now', load: '3.25' },
    },
    {
      title: 'no match leaves the target alone',
      config: { source_field: 'subject', regexp: 'load is (\\d+)', target_field: 'load' },
      input: { subject: 'all quiet' },
      output: { subject: 'all quiet' },
    },
  ],
  effect: (c) => ({ writes: [c.target_field ?? c.source_field ?? c.field ?? ''] }),
  create(c) {
    const source = (c.source_field ?? c.field)!;
    const target = c.target_field ?? source;
    const fixed = c.regexp !== undefined ? perlRegex(c.regexp, { dotall: true }) : undefined;
    return {
      react(m: Message) {
        const value = m[source];
        if (!truthy(value)) return;
        const re = fixed ?? perlRegex(str(m[c.regexp_field!]), { dotall: true });
        const match = re.exec(str(value));
        if (match && truthy(match[1])) m[target] = match[1];
      },
    };
  },
});
