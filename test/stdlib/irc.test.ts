import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import irc from 'irc-framework';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ircServer, runReactor, type IrcServer } from '../channel-helpers.js';
import { waitFor } from '../helpers.js';

/* IRC against Debian's ngircd: a listener in #ops records what the channel says. */

describe('IRC channel', () => {
  let server: IrcServer;
  const heard: { nick: string; target: string; message: string }[] = [];
  let listener: InstanceType<typeof irc.Client>;
  before(async () => {
    server = await ircServer();
    listener = new irc.Client({ auto_reconnect: false });
    let joined = false;
    listener.on('registered', () => listener.join('#ops'));
    listener.on('join', (e: { nick: string }) => (joined ||= e.nick === 'listener'));
    listener.on('privmsg', (e: { nick: string; target: string; message: string }) => heard.push({ nick: e.nick, target: e.target, message: e.message }));
    listener.connect({ host: '127.0.0.1', port: server.port, nick: 'listener', username: 'listener', gecos: 'test' });
    assert.ok(await waitFor(() => joined, 20_000, 20));
  });
  after(async () => {
    listener.quit();
    await server.close();
  });

  it('says each notification in a channel and to a nick, delivered on the PONG that follows it; a nick that is not there is refused', async () => {
    const rules = {
      rules: [
        { name: 'reports elsewhere', condition: 'contains channel_failed', last_rule: 1 },
        { name: 'ops', plugin: 'IRC', config: { host: '127.0.0.1', port: server.port, nick: 'wubot', target: '#ops', retry: 0.05 } },
        { name: 'person', plugin: 'IRC', config: { channel: 'irc-person', host: '127.0.0.1', port: server.port, nick: 'wubot2', target: 'listener', message: 'to you: {$subject}', retry: 0.05 } },
        { name: 'nobody', plugin: 'IRC', config: { channel: 'irc-nobody', host: '127.0.0.1', port: server.port, nick: 'wubot3', target: 'nobody', retry: 0.05 } },
      ],
    };
    const r = await runReactor('h', { 'reactor.yaml': JSON.stringify(rules) });
    try {
      r.push([{ key: 'disk', subject: 'disk full', hostname: 'web1' }, { key: 'load', subject: 'load high\nsecond line', hostname: 'web2' }]);
      assert.ok(await waitFor(() => heard.length === 4), JSON.stringify(heard) + r.log.lines.join('\n'));
      assert.deepEqual(heard.filter((h) => h.target === '#ops').map((h) => [h.nick, h.message]), [['wubot', 'web1: disk full'], ['wubot', 'web2: load high second line']]);
      assert.deepEqual(heard.filter((h) => h.target === 'listener').map((h) => h.message), ['to you: disk full', 'to you: load high second line']);
      const db = new Database(join(r.home, 'outbox', 'irc-nobody', 'queue.sqlite'), { readonly: true });
      assert.ok(await waitFor(() => (db.prepare('SELECT count(*) FROM message_queue_dead').pluck().get() as number) === 2));
      assert.match(db.prepare('SELECT error FROM message_queue_dead').pluck().get() as string, /^refused: IRC: no_such_nick/);
      db.close();
    } finally {
      await r.stop();
    }
  });
});
