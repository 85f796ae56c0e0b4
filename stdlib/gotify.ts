import { httpRequest } from '../runtime/channels/http-request.js';
import { str } from '../grammar/perl-values.js';
import { defineChannel, pushPayload, pushTemplates, type ChannelConfig } from './channel.js';

interface Config extends ChannelConfig {
  server: string;
  token: string;
  title?: string;
  message?: string;
}

const PRIORITY: Record<string, number> = { low: 1, normal: 4, high: 6, critical: 8 };

export default defineChannel<Config>({
  name: 'Gotify',
  summary: 'Push a notification to a Gotify server.',
  docs: 'POSTs `{title, message, priority, extras}` to `server`/message with the application `token` in the `X-Gotify-Key` header, as Gotify\'s API documents it. Priority is 8 for `urgent` or CRITICAL, 6 for WARNING, 4 otherwise, 1 for OK; the message\'s `link` becomes the click URL.',
  properties: {
    server: { type: 'string', pattern: '^https?://', description: 'the Gotify server' },
    token: { type: 'string', description: 'the application token' },
    ...pushTemplates,
  },
  required: ['server', 'token'],
  templates: ['title', 'message'],
  examples: [{ title: 'to a Gotify application', config: { server: 'https://gotify.example.org', token: 'AbCdEf123456' }, input: { key: 'disk', subject: 'disk full', status: 'CRITICAL' } }],
  render: pushPayload,
  sender(c) {
    const url = `${c.server.replace(/\/+$/, '')}/message`;
    return {
      send: ({ items, signal }) => {
        const p = items[0].payload;
        const body = { title: str(p.title), message: str(p.text), priority: PRIORITY[str(p.urgency)] ?? 4, ...(p.link ? { extras: { 'client::notification': { click: { url: p.link } } } } : {}) };
        return httpRequest({ method: 'POST', url, headers: { 'content-type': 'application/json', 'x-gotify-key': c.token }, body: JSON.stringify(body) }, signal);
      },
    };
  },
});
