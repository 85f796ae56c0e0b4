import { httpRequest } from '../runtime/channels/http-request.js';
import { str } from '../grammar/perl-values.js';
import { rememberSecrets } from '../runtime/secrets.js';
import { defineChannel, pushPayload, pushTemplates, type ChannelConfig } from './channel.js';

interface Config extends ChannelConfig {
  webhook: string;
  title?: string;
  message?: string;
}

export default defineChannel<Config>({
  name: 'Slack',
  summary: 'Post a notification to a Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat, Discord\'s /slack).',
  docs: 'POSTs `{"text": …}` as JSON to the incoming `webhook` URL, the form every Slack-compatible service accepts: the title in bold, then the text and the message\'s `link`. The webhook URL is itself the credential: it is a secret.',
  properties: {
    webhook: { type: 'string', pattern: '^https?://', description: 'the incoming webhook URL' },
    ...pushTemplates,
  },
  required: ['webhook'],
  templates: ['title', 'message'],
  examples: [{ title: 'to a channel', config: { webhook: 'https://hooks.slack.com/services/T000/B000/XXXXXXXX' }, input: { key: 'disk', subject: 'disk full', hostname: 'web1' } }],
  render: pushPayload,
  sender(c) {
    rememberSecrets({ secret: c.webhook });
    return {
      send: ({ items, signal }) => {
        const p = items[0].payload;
        const text = [p.title ? `*${str(p.title)}*` : '', str(p.text), p.link ? `<${str(p.link)}>` : ''].filter(Boolean).join('\n');
        return httpRequest({ method: 'POST', url: c.webhook, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) }, signal);
      },
    };
  },
});
