import { readConfigFile } from '../runtime/config-file.js';
import { resolve } from 'node:path';
import { homedir } from 'node:os';
import { fieldText, str, truthy } from '../grammar/perl-values.js';
import type { Message } from '../runtime/pipeline-api.js';
import { filled, PLACEHOLDER, templateParts, type FieldFill } from './field-effects.js';
import { definePlugin, requireOne, type ConfigProblem } from './plugin.js';

interface Config {
  template?: string;
  template_file?: string;
  source_field?: string;
  target_field: string;
}

const ANY_BRACES = /\{[^{}]*\}/g;

/**
 * fillTemplate replaces each `{$name}` by the value of field `name`; nothing
 * else is evaluated. A missing field gives "", and so does a list or a map,
 * which Text::Template gives the original as `@name` or `%name`, not `$name`.
 */
export function fillTemplate(template: string, m: Message): string {
  return template.replace(PLACEHOLDER, (_, name: string) => fieldText(Object.hasOwn(m, name) ? m[name] : undefined));
}

/** templateProblems reports brace groups that are not a plain `{$name}`, which the original would run as Perl code. */
export function templateProblems(template: string): string[] {
  const bad: string[] = [];
  for (const m of template.matchAll(ANY_BRACES)) {
    if (!/^\{\$[A-Za-z_][A-Za-z0-9_]*\}$/.test(m[0])) bad.push(m[0]);
  }
  return bad;
}

function fill(template: string, to: string): FieldFill {
  return { to, parts: templateParts(template) };
}

function expandHome(path: string): string {
  return path.startsWith('~/') ? homedir() + path.slice(1) : path;
}

export default definePlugin<Config>({
  name: 'Template',
  summary: 'Fill a template with message fields into a field.',
  docs: 'Builds `target_field` from `template`, the file `template_file`, or the template held in the field `source_field`. Only `{$name}` is replaced, by the value of field `name`; a template never runs code, so other `{…}` text is kept as it is. Dotted field names cannot be addressed.',
  schema: {
    type: 'object',
    properties: {
      template: { type: 'string', description: 'the template text' },
      template_file: { type: 'string', description: 'a file holding the template' },
      source_field: { type: 'string', description: 'a field holding the template' },
      target_field: { type: 'string', description: 'where to store the result' },
    },
    required: ['target_field'],
    additionalProperties: false,
  },
  check: (c) => {
    const problems: ConfigProblem[] = requireOne(c, ['template', 'template_file', 'source_field']);
    if (c.template !== undefined) {
      for (const b of templateProblems(c.template)) {
        problems.push({ path: ['template'], message: `\`${b}\` is not a \`{$field}\` placeholder; only \`{$name}\` is filled in` });
      }
    }
    return problems;
  },
  examples: [
    {
      title: 'a subject from fields',
      config: { template: '{$hostname}: load is {$load}', target_field: 'subject' },
      input: { hostname: 'web1', load: 4.5 },
      output: { hostname: 'web1', load: 4.5, subject: 'web1: load is 4.5' },
    },
  ],
  // a template in the config is known when the rule compiles; one in a file or a field only when it runs
  effect: (c) => (c.template !== undefined ? { fills: [fill(c.template, c.target_field)], exact: true } : { writes: [c.target_field] }),
  create(c, ctx) {
    if (c.template !== undefined) {
      const f = fill(c.template, c.target_field);
      return {
        react(m: Message) {
          m[f.to] = filled(f, m);
        },
      };
    }
    const fixed = c.template_file !== undefined ? readConfigFile(resolve(ctx.baseDir, expandHome(c.template_file))) : undefined;
    return {
      react(m: Message) {
        // a missing or false template field leaves the message alone, as in the original
        if (fixed === undefined && !truthy(m[c.source_field!])) return;
        const template = fixed ?? str(m[c.source_field!]);
        m[c.target_field] = fillTemplate(template, m);
      },
    };
  },
});
