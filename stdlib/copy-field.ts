import { str } from '../grammar/perl-values.js';
import type { Message } from '../runtime/pipeline-api.js';
import { definePlugin, requireOne } from './plugin.js';

interface Config {
  source_field?: string;
  source_field_name?: string;
  target_field?: string;
  target_field_name?: string;
}

export default definePlugin<Config>({
  name: 'CopyField',
  summary: 'Copy the value of one field into another.',
  docs: 'The source is `source_field`, or the field named by the value of `source_field_name`; the target is `target_field`, or the field named by the value of `target_field_name`. A missing source writes null (undef in Perl), as in the original.',
  schema: {
    type: 'object',
    properties: {
      source_field: { type: 'string', description: 'the field to copy from' },
      source_field_name: { type: 'string', description: 'a field whose value names the field to copy from' },
      target_field: { type: 'string', description: 'the field to copy to' },
      target_field_name: { type: 'string', description: 'a field whose value names the field to copy to' },
    },
    additionalProperties: false,
  },
  check: (c) => [
    ...requireOne(c, ['source_field', 'source_field_name']),
    ...requireOne(c, ['target_field', 'target_field_name']),
  ],
  examples: [
    {
      title: 'keep the original subject',
      config: { source_field: 'subject', target_field: 'subject_orig' },
      input: { subject: 'load is high' },
      output: { subject: 'load is high', subject_orig: 'load is high' },
    },
    {
      title: 'target named by another field',
      config: { source_field: 'load', target_field_name: 'metric' },
      input: { load: 0.5, metric: 'load_1m' },
      output: { load: 0.5, metric: 'load_1m', load_1m: 0.5 },
    },
  ],
  effect(c) {
    if (c.source_field !== undefined && c.target_field !== undefined) return { copies: [{ from: c.source_field, to: c.target_field }], exact: true };
    // a field named by the message: which field changes is known only then
    return { writes: c.target_field !== undefined ? [c.target_field] : 'any' };
  },
  create(c) {
    return {
      react(m: Message) {
        const source = c.source_field ?? str(m[c.source_field_name!]);
        const target = c.target_field ?? str(m[c.target_field_name!]);
        // a missing source copies as Perl's undef: the target is there, null
        m[target] = Object.hasOwn(m, source) ? m[source] : null;
      },
    };
  },
});
