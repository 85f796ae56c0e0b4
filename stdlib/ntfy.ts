import { httpRequest } from '../runtime/channels/http-request.js';
import { str } from '../grammar/perl-values.js';
import { defineChannel, pushPayload, pushTemplates, type ChannelConfig } from './channel.js';

interface Config extends ChannelConfig {
  server?: string;
  topic: string;
  token?: string;
  title?: string;
  message?: string;
  tags?: string[];
}

const PRIORITY: Record<string, number> = { low: 2, normal: 3, high: 4, critical: 5 };

export default defineChannel<Config>({
  name: 'Ntfy',
  summary: 'Push a notification to an ntfy topic (ntfy.sh or your own server).',
  docs: 'Publishes to `topic` on `server` (default https://ntfy.sh) as ntfy\'s JSON publishing documents it: a POST of `{topic, title, message, priority, tags, click}` to the server\'s root. Priority is 5 for `urgent` or CRITICAL, 4 for WARNING, 3 otherwise, 2 for OK; `click` is the message\'s `link`. `token` is an access token (sent as a Bearer token).',
  properties: {
    server: { type: 'string', pattern: '^https?://', description: 'the ntfy server (default https://ntfy.sh)' },
    topic: { type: 'string', pattern: '^[-_A-Za-z0-9]{1,64}$', description: 'the topic' },
    token: { type: 'string', description: 'an access token for a protected topic' },
    tags: { type: 'array', items: { type: 'string' }, description: 'tags (emoji short codes show as icons)' },
    ...pushTemplates,
  },
  required: ['topic'],
  templates: ['title', 'message'],
  examples: [{ title: 'to a phone subscribed to a topic', config: { topic: 'wubot-alerts', tags: ['warning'] }, input: { key: 'disk', subject: 'disk full', status: 'CRITICAL' } }],
  render: pushPayload,
  sender(c) {
    const url = `${(c.server ?? 'https://ntfy.sh').replace(/\/+$/, '')}/`;
    const auth: Record<string, string> = c.token !== undefined ? { authorization: `Bearer ${c.token}` } : {};
    return {
      send: ({ items, signal }) => {
        const p = items[0].payload;
        const body = { topic: c.topic, title: str(p.title), message: str(p.text), priority: PRIORITY[str(p.urgency)] ?? 3, ...(c.tags ? { tags: c.tags } : {}), ...(p.link ? { click: p.link } : {}) };
        return httpRequest({ method: 'POST', url, headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify(body) }, signal);
      },
    };
  },
});
