import { decodeHTML } from 'entities';
import { str, truthy } from '../runtime/perl-values.js';
import type { Message } from '../runtime/pipeline-api.js';
import { definePlugin } from './plugin.js';

interface Config {
  field: string;
  target_field?: string;
  newfield?: string;
}

const INVISIBLE = /<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>|<!--[\s\S]*?-->/gi;
const TAG = /<\/?[A-Za-z][^>]*>|<![^>]*>/g;

/** stripHtml removes tags, scripts, styles and comments, decodes entities, turns no-break spaces into spaces and collapses whitespace. */
export function stripHtml(html: string): string {
  return decodeHTML(html.replace(INVISIBLE, ' ').replace(TAG, ' '))
    .replace(/\u00A0/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export default definePlugin<Config>({
  name: 'HTMLStrip',
  summary: 'Strip HTML from a field into plain text.',
  docs: 'Removes the tags of `field`, decodes entities, turns no-break spaces into spaces, and stores the text in `target_field` (or `newfield`; default `<field>_text`). A false field (missing, empty, 0) does nothing, as in the original.',
  schema: {
    type: 'object',
    properties: {
      field: { type: 'string', description: 'the field holding HTML' },
      target_field: { type: 'string', description: 'where to store the text' },
      newfield: { type: 'string', description: 'older name of target_field' },
    },
    required: ['field'],
    additionalProperties: false,
  },
  examples: [
    {
      title: 'an RSS body as text',
      config: { field: 'body' },
      input: { body: '<p>Disk <b>full</b>&nbsp;on&nbsp;web1 &amp; web2</p>' },
      output: { body: '<p>Disk <b>full</b>&nbsp;on&nbsp;web1 &amp; web2</p>', body_text: 'Disk full on web1 & web2' },
    },
  ],
  writes: (c) => [c.target_field ?? c.newfield ?? `${c.field}_text`],
  create(c) {
    const target = c.target_field ?? c.newfield ?? `${c.field}_text`;
    return {
      react(m: Message) {
        const value = m[c.field];
        if (!truthy(value)) return;
        m[target] = stripHtml(str(value));
      },
    };
  },
});
