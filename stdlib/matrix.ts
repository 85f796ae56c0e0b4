import { httpRequest } from '../runtime/channels/http-request.js';
import { str } from '../grammar/perl-values.js';
import { defineChannel, pushPayload, pushTemplates, type ChannelConfig } from './channel.js';

interface Config extends ChannelConfig {
  homeserver: string;
  room: string;
  access_token: string;
  title?: string;
  message?: string;
}

export default defineChannel<Config>({
  name: 'Matrix',
  summary: 'Post a notification to a Matrix room.',
  docs: 'Sends an `m.text` message to `room` (a room id, `!…:server`) through the client-server API of `homeserver`: `PUT /_matrix/client/v3/rooms/{room}/send/m.room.message/{txnId}` with `access_token` as a Bearer token. The transaction id is the notification\'s own, the same on every try, so the homeserver keeps a message sent twice (after a crash) once.',
  properties: {
    homeserver: { type: 'string', pattern: '^https?://', description: 'the homeserver\'s client-server API base URL' },
    room: { type: 'string', pattern: '^!.+:.+$', description: 'the room id (`!abc:example.org`), which the account has joined' },
    access_token: { type: 'string', description: 'the bot account\'s access token' },
    ...pushTemplates,
  },
  required: ['homeserver', 'room', 'access_token'],
  templates: ['title', 'message'],
  examples: [{ title: 'to an operations room', config: { homeserver: 'https://matrix.example.org', room: '!ops:example.org', access_token: 'syt_example_token' }, input: { key: 'disk', subject: 'disk full', hostname: 'web1' } }],
  render: pushPayload,
  sender(c) {
    const base = `${c.homeserver.replace(/\/+$/, '')}/_matrix/client/v3/rooms/${encodeURIComponent(c.room)}/send/m.room.message/`;
    return {
      send: ({ items, idempotencyKey, signal }) => {
        const p = items[0].payload;
        const text = [str(p.title), str(p.text)].filter(Boolean).join(': ');
        return httpRequest({ method: 'PUT', url: base + encodeURIComponent(idempotencyKey), headers: { 'content-type': 'application/json', authorization: `Bearer ${c.access_token}` }, body: JSON.stringify({ msgtype: 'm.text', body: text }) }, signal);
      },
    };
  },
});
