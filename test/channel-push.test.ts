import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { httpRecorder, runReactor, type Answer, type HttpRecorder, type Recorded } from './channel-helpers.js';
import { queueMessages, waitFor } from './helpers.js';

/*
 * Each HTTP push channel against a local server that checks every request
 * as the service's API documents it (method, path, headers, body) and
 * answers as the service does: 400 with the reason when a request is wrong.
 */

type Check = (r: Recorded) => string | undefined;

function strictServer(check: Check, ok: Answer): Promise<HttpRecorder> {
  return httpRecorder((r) => {
    const problem = check(r);
    return problem ? { status: 400, body: JSON.stringify({ error: problem }) } : ok;
  });
}

function json(r: Recorded): Record<string, unknown> | undefined {
  try {
    return JSON.parse(r.body) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

const isInt = (v: unknown, lo: number, hi: number) => Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi;

/** ntfy: "Publish as JSON": POST to the root URL, JSON with topic and message; optional title, priority 1-5, tags, click; Bearer access token. */
const ntfy: Check = (r) => {
  const b = json(r);
  if (r.method !== 'POST' || r.path !== '/') return `POST / expected, got ${r.method} ${r.path}`;
  if (r.headers.authorization !== 'Bearer tk_ntfy-access-token') return 'unauthorized';
  if (!b || typeof b.topic !== 'string' || typeof b.message !== 'string') return 'topic and message are required';
  if (b.priority !== undefined && !isInt(b.priority, 1, 5)) return 'priority must be 1..5';
  if (b.tags !== undefined && !(Array.isArray(b.tags) && b.tags.every((t) => typeof t === 'string'))) return 'tags must be a list of strings';
  const known = new Set(['topic', 'message', 'title', 'tags', 'priority', 'click', 'actions', 'attach', 'markdown', 'icon', 'filename', 'delay', 'email', 'call']);
  return Object.keys(b).find((k) => !known.has(k));
};

/** Gotify: POST /message, the app token in X-Gotify-Key, JSON with message (required), title, priority (int), extras. */
const gotify: Check = (r) => {
  const b = json(r);
  if (r.method !== 'POST' || r.path !== '/message') return 'POST /message expected';
  if (r.headers['x-gotify-key'] !== 'AppTok3nGotify') return 'you need to provide a valid access token';
  if (!String(r.headers['content-type']).startsWith('application/json') || !b || typeof b.message !== 'string' || b.message === '') return 'message is required';
  if (b.priority !== undefined && !Number.isInteger(b.priority)) return 'priority must be an integer';
  return Object.keys(b).find((k) => !['title', 'message', 'priority', 'extras'].includes(k));
};

/** Pushover: POST /1/messages.json, form fields token and user (30 characters each), message (1024 at most), title (250), priority -2..2, url (512), timestamp. */
const pushover: Check = (r) => {
  if (r.method !== 'POST' || r.path !== '/1/messages.json') return 'POST /1/messages.json expected';
  if (r.headers['content-type'] !== 'application/x-www-form-urlencoded') return 'a form is expected';
  const f = new URLSearchParams(r.body);
  if (!/^[A-Za-z0-9]{30}$/.test(f.get('token') ?? '')) return 'application token is invalid';
  if (!/^[A-Za-z0-9]{30}$/.test(f.get('user') ?? '')) return 'user identifier is invalid';
  const message = f.get('message') ?? '';
  if (message === '' || message.length > 1024) return 'message cannot be blank';
  if ((f.get('title') ?? '').length > 250 || (f.get('url') ?? '').length > 512) return 'too long';
  if (f.has('priority') && !isInt(Number(f.get('priority')), -2, 2)) return 'priority is invalid';
  if (f.get('priority') === '2' && !(f.has('retry') && f.has('expire'))) return 'emergency priority needs retry and expire';
  if (f.has('timestamp') && !/^\d+$/.test(f.get('timestamp')!)) return 'timestamp is invalid';
  return [...f.keys()].find((k) => !['token', 'user', 'message', 'title', 'priority', 'url', 'url_title', 'device', 'sound', 'timestamp', 'html', 'ttl'].includes(k));
};

/** Matrix: PUT /_matrix/client/v3/rooms/{roomId}/send/m.room.message/{txnId}, Bearer access token, JSON {msgtype, body}. */
const matrixPath = /^\/_matrix\/client\/v3\/rooms\/((?:!|%21)[^/]+)\/send\/m\.room\.message\/([^/]+)$/;
const matrix: Check = (r) => {
  const m = matrixPath.exec(r.path);
  const b = json(r);
  if (r.method !== 'PUT' || !m) return `PUT …/send/m.room.message/{txnId} expected, got ${r.method} ${r.path}`;
  if (decodeURIComponent(m[1]) !== '!ops:example.org') return 'M_FORBIDDEN: unknown room';
  if (r.headers.authorization !== 'Bearer syt_matrix_access_token') return 'M_UNKNOWN_TOKEN';
  if (!b || b.msgtype !== 'm.text' || typeof b.body !== 'string') return 'M_BAD_JSON';
  return undefined;
};

/** Slack incoming webhook: POST to the hook's path, JSON with text. */
const slack: Check = (r) => {
  const b = json(r);
  if (r.method !== 'POST' || r.path !== '/services/T0001/B0001/XXXXXXXXXXXXXXXX') return 'no_service';
  if (!String(r.headers['content-type']).startsWith('application/json')) return 'invalid_payload';
  if (!b || typeof b.text !== 'string' || b.text === '') return 'no_text';
  return undefined;
};

describe('HTTP push channels', () => {
  const servers: HttpRecorder[] = [];
  after(async () => Promise.all(servers.map((s) => s.close())));

  it('each sends exactly what its service documents, and the provider accepts it', async () => {
    const s = {
      ntfy: await strictServer(ntfy, { status: 200, body: '{"id":"x1","event":"message","topic":"wubot-alerts"}' }),
      gotify: await strictServer(gotify, { status: 200, body: '{"id":1,"appid":1}' }),
      pushover: await strictServer(pushover, { status: 200, body: '{"status":1,"request":"5042853c"}' }),
      matrix: await strictServer(matrix, { status: 200, body: '{"event_id":"$ev1"}' }),
      slack: await strictServer(slack, { status: 200, body: 'ok', type: 'text/plain' }),
    };
    servers.push(...Object.values(s));
    // the first Matrix try is rate-limited: it is tried again with the same transaction id
    const matrixAnswer = s.matrix.answer;
    s.matrix.answer = (r, n) => (n === 1 ? { status: 429, body: '{"errcode":"M_LIMIT_EXCEEDED","retry_after_ms":10}' } : matrixAnswer(r, n));
    const common = { retry: 0.05 };
    const rules = [
      { name: 'ntfy', plugin: 'Ntfy', config: { server: s.ntfy.url, topic: 'wubot-alerts', token: 'tk_ntfy-access-token', tags: ['warning'], ...common } },
      { name: 'gotify', plugin: 'Gotify', config: { server: s.gotify.url, token: 'AppTok3nGotify', ...common } },
      { name: 'pushover', plugin: 'Pushover', config: { server: s.pushover.url, token: 'azGDORePK8gMaC0QOYAMyEEuzJnyUi', user_key: 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG', ...common } },
      { name: 'matrix', plugin: 'Matrix', config: { homeserver: s.matrix.url, room: '!ops:example.org', access_token: 'syt_matrix_access_token', ...common } },
      { name: 'slack', plugin: 'Slack', config: { webhook: `${s.slack.url}/services/T0001/B0001/XXXXXXXXXXXXXXXX`, ...common } },
    ];
    const r = await runReactor('h', { 'reactor.yaml': JSON.stringify({ rules }) });
    try {
      r.push([{ key: 'disk', subject: 'disk full on /var', hostname: 'web1', status: 'CRITICAL', link: 'https://web1.example.org/disk', lastupdate: 1764300000 }]);
      const names = ['ntfy', 'gotify', 'pushover', 'matrix', 'slack'] as const;
      assert.ok(await waitFor(() => names.every((n) => queueMessages(join(r.home, 'outbox', n), 'WHERE acked_at IS NOT NULL').length === 1)), JSON.stringify(Object.fromEntries(names.map((n) => [n, s[n].requests.map((q) => q.body)]))) + r.log.lines.join('\n'));
      assert.deepEqual(JSON.parse(s.ntfy.requests[0].body), { topic: 'wubot-alerts', title: 'web1: disk', message: 'disk full on /var', priority: 5, tags: ['warning'], click: 'https://web1.example.org/disk' });
      assert.deepEqual(JSON.parse(s.gotify.requests[0].body), { title: 'web1: disk', message: 'disk full on /var', priority: 8, extras: { 'client::notification': { click: { url: 'https://web1.example.org/disk' } } } });
      const form = Object.fromEntries(new URLSearchParams(s.pushover.requests[0].body));
      assert.deepEqual(form, { token: 'azGDORePK8gMaC0QOYAMyEEuzJnyUi', user: 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG', message: 'disk full on /var', title: 'web1: disk', priority: '1', timestamp: '1764300000', url: 'https://web1.example.org/disk' });
      assert.equal(s.matrix.requests.length, 2);
      const [t1, t2] = s.matrix.requests.map((q) => matrixPath.exec(q.path)![2]);
      assert.equal(t1, t2, 'the retry carries the same transaction id');
      assert.deepEqual(JSON.parse(s.matrix.requests[1].body), { msgtype: 'm.text', body: 'web1: disk: disk full on /var' });
      assert.deepEqual(JSON.parse(s.slack.requests[0].body), { text: '*web1: disk*\ndisk full on /var\n<https://web1.example.org/disk>' });
      for (const n of names) assert.equal(s[n].requests.filter((q) => s[n].answer(q, 99) !== 'hang' && (s[n].answer(q, 99) as { status: number }).status !== 200).length, 0, `${n}: every request as documented`);
      const log = r.log.lines.join('\n');
      for (const secret of ['tk_ntfy-access-token', 'AppTok3nGotify', 'azGDORePK8gMaC0QOYAMyEEuzJnyUi', 'syt_matrix_access_token', 'XXXXXXXXXXXXXXXX']) assert.ok(!log.includes(secret), secret);
    } finally {
      await r.stop();
    }
  });
});
