import { requireLater } from '../runtime/require-later.js';
import { str, truthy } from '../grammar/perl-values.js';
import type { Message } from '../runtime/pipeline-api.js';
import { definePlugin } from './plugin.js';

interface Config {
  field: string;
  target_field?: string;
  newfield?: string;
}

/** Elements whose content HTML::Strip drops with them. */
const STRIPPED = new Set(['title', 'style', 'script', 'applet']);
const SPACE = /[ \t\n\v\f\r]/;

/** tagEnd is the index after the `>` closing a tag that starts at `i` (quotes inside kept together), or the text's length. */
function tagEnd(html: string, i: number): number {
  if (html.startsWith('<!--', i)) {
    const end = html.indexOf('-->', i + 4);
    return end < 0 ? html.length : end + 3;
  }
  let quote = '';
  for (let j = i + 1; j < html.length; j++) {
    const c = html[j];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return j + 1;
  }
  return html.length;
}

// the entity decoder is loaded by the first message stripped: `wubotc lint` reads this plugin's definition only
const entities = requireLater<typeof import('entities')>('entities');

/**
 * stripHtml is what the original's HTML::Strip makes of a field: every `<`
 * starts a tag, which goes (with the content of script, style, title and
 * applet, and comments), leaving one space between the text around it where
 * neither side is whitespace already; the text itself stays as it is, its
 * entities decoded; no-break spaces become spaces.
 */
export function stripHtml(html: string): string {
  let out = '';
  let spaceDue = false;
  for (let i = 0; i < html.length; ) {
    if (html[i] !== '<') {
      if (spaceDue && out !== '' && !SPACE.test(out[out.length - 1]) && !SPACE.test(html[i])) out += ' ';
      spaceDue = false;
      out += html[i++];
      continue;
    }
    let end = tagEnd(html, i);
    const name = /^<([A-Za-z]+)/.exec(html.slice(i, i + 12))?.[1]?.toLowerCase();
    if (name !== undefined && STRIPPED.has(name)) {
      const close = html.toLowerCase().indexOf(`</${name}`, end);
      end = close < 0 ? html.length : tagEnd(html, close);
    }
    spaceDue = true;
    i = end;
  }
  return entities().decodeHTML(out).replace(/\u00A0/g, ' ');
}

export default definePlugin<Config>({
  name: 'HTMLStrip',
  summary: 'Strip HTML from a field into plain text.',
  docs: 'Removes the tags of `field` as the original\'s HTML::Strip does (a space where a tag stood between two words; the text\'s own spacing and line breaks kept), decodes entities, turns no-break spaces into spaces, and stores the text in `target_field` (or `newfield`; default `<field>_text`). A false field (missing, empty, 0) does nothing, as in the original.',
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
      output: { body: '<p>Disk <b>full</b>&nbsp;on&nbsp;web1 &amp; web2</p>', body_text: 'Disk full  on web1 & web2' },
    },
  ],
  effect: (c) => ({ writes: [c.target_field ?? c.newfield ?? `${c.field}_text`] }),
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
