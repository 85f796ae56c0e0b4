import { httpRequest } from '../runtime/channels/http-request.js';
import type { Message } from '../runtime/pipeline-api.js';
import { rememberSecrets } from '../runtime/secrets.js';
import { defineChannel, type ChannelConfig } from './channel.js';
import { fillTemplate } from './template.js';

interface Config extends ChannelConfig {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
}

/** HEADER_SECRET names headers whose values are credentials: they are hidden wherever they would show. */
const HEADER_SECRET = /auth|token|key|secret|signature|cookie/i;

const DEFAULT_BODY = { subject: '{$subject}', key: '{$key}', hostname: '{$hostname}', status: '{$status}', link: '{$link}' };

/** fillJson fills every text of a JSON template with message fields; keys and other values stay as written. */
export function fillJson(template: unknown, m: Message): unknown {
  if (typeof template === 'string') return fillTemplate(template, m);
  if (Array.isArray(template)) return template.map((v) => fillJson(v, m));
  if (template !== null && typeof template === 'object') return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, fillJson(v, m)]));
  return template;
}

function templateTexts(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (v !== null && typeof v === 'object') return Object.values(v).flatMap(templateTexts);
  return [];
}

export default defineChannel<Config>({
  name: 'Webhook',
  summary: 'Send a notification as an HTTP request with a JSON body, to any service.',
  docs: 'Sends `method` (default POST) to `url` with `headers` and a JSON body made from the `body` template: every text in it is a `{$field}` template (default: subject, key, hostname, status, link). Each request carries an `Idempotency-Key` header, the same for every try of one notification. A 2xx answer delivers; 5xx, 408, 425 and 429 are tried again; other answers are a permanent refusal. Header values that look like credentials (Authorization, tokens, keys) are secrets.',
  properties: {
    url: { type: 'string', pattern: '^https?://', description: 'where to send' },
    method: { enum: ['POST', 'PUT', 'PATCH'], description: 'the HTTP method (default POST)' },
    headers: { type: 'object', additionalProperties: { type: 'string' }, description: 'request headers' },
    body: { description: 'the JSON body; its texts are `{$field}` templates' },
  },
  required: ['url'],
  templates: [],
  check: (c) => templateTexts(c.body).flatMap((t) => (/\{(?!\$[A-Za-z_][A-Za-z0-9_]*\})[^{}]*\}/.test(t) ? [{ path: ['body'], message: `\`${t}\` has a brace group that is not a \`{$field}\` placeholder` }] : [])),
  examples: [{ title: 'a JSON alert to a service', config: { url: 'https://hooks.example.org/alert', body: { text: '{$hostname}: {$subject}' } }, input: { key: 'disk', subject: 'disk full', hostname: 'web1' } }],
  render: (c, m) => ({ body: fillJson(c.body ?? DEFAULT_BODY, m) }),
  sender(c) {
    const headers = { 'content-type': 'application/json', ...c.headers };
    rememberSecrets({ secret: Object.entries(c.headers ?? {}).filter(([k]) => HEADER_SECRET.test(k)).map(([, v]) => v) });
    return {
      send: ({ items, idempotencyKey, signal }) =>
        httpRequest({ method: c.method ?? 'POST', url: c.url, headers: { ...headers, 'idempotency-key': idempotencyKey }, body: JSON.stringify(items[0].payload.body) }, signal),
    };
  },
});
