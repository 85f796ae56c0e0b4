import { httpRequest } from '../runtime/channels/http-request.js';
import { str } from '../grammar/perl-values.js';
import { rememberSecrets } from '../runtime/secrets.js';
import { defineChannel, pushPayload, pushTemplates, type ChannelConfig } from './channel.js';

interface Config extends ChannelConfig {
  token: string;
  user_key: string;
  device?: string;
  sound?: string;
  server?: string;
  title?: string;
  message?: string;
}

/** Pushover's priority 2 (emergency) needs acknowledging on the phone; wubot sends at most 1. */
const PRIORITY: Record<string, number> = { low: -1, normal: 0, high: 0, critical: 1 };

export default defineChannel<Config>({
  name: 'Pushover',
  summary: 'Push a notification through Pushover.',
  docs: 'POSTs the form fields `token`, `user`, `message`, `title`, `priority` (1 for `urgent` or CRITICAL, -1 for OK, else 0), `url` (the message\'s `link`), `device`, `sound` and `timestamp` to https://api.pushover.net/1/messages.json, as Pushover\'s API documents it. `token` (the application token) and `user_key` are secrets.',
  properties: {
    token: { type: 'string', description: 'the application\'s API token' },
    user_key: { type: 'string', description: 'the user (or group) key' },
    device: { type: 'string', description: 'only to this device' },
    sound: { type: 'string', description: 'a sound name' },
    server: { type: 'string', pattern: '^https?://', description: 'the API (default https://api.pushover.net)' },
    ...pushTemplates,
  },
  required: ['token', 'user_key'],
  templates: ['title', 'message'],
  examples: [{ title: 'to your phones', config: { token: 'azGDORePK8gMaC0QOYAMyEEuzJnyUi', user_key: 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG' }, input: { key: 'disk', subject: 'disk full', status: 'CRITICAL' } }],
  render: (c, m) => ({ ...pushPayload(c, m), timestamp: Math.floor(Number(m.lastupdate) || Date.now() / 1000) }),
  sender(c) {
    rememberSecrets({ secret: c.user_key });
    const url = `${(c.server ?? 'https://api.pushover.net').replace(/\/+$/, '')}/1/messages.json`;
    return {
      send: ({ items, signal }) => {
        const p = items[0].payload;
        const form = new URLSearchParams({ token: c.token, user: c.user_key, message: str(p.text) || str(p.title), title: str(p.title), priority: String(PRIORITY[str(p.urgency)] ?? 0), timestamp: str(p.timestamp) });
        if (p.link) form.set('url', str(p.link));
        if (c.device !== undefined) form.set('device', c.device);
        if (c.sound !== undefined) form.set('sound', c.sound);
        return httpRequest({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() }, signal);
      },
    };
  },
});
