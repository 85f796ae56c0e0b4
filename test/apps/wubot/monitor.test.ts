import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { compile } from '../../../compiler/compile.js';
import { renderText } from '../../../compiler/diagnostics/render.js';
import type { Message } from '../../../runtime/pipeline-api.js';
import { decorate, failureMessage, Monitor } from '../../../apps/wubot/monitor.js';
import { loadStatus } from '../../../stdlib/monitors/uptime.js';
import { monitorPlugins } from '../../../stdlib/monitors/index.js';
import { memoryLog, queueMessages, sleep, tempDir } from '../../helpers.js';

function home(files: Record<string, string>): string {
  const h = tempDir('wubot-monitor-');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(h, 'config', path)), { recursive: true });
    writeFileSync(join(h, 'config', path), text);
  }
  return h;
}

const queued = (h: string): Message[] => queueMessages(join(h, 'reactor'));

const never = new AbortController().signal;

describe('monitor', () => {
  it('decorates messages as the original, without secrets or react', () => {
    const m = decorate({ subject: 'x', key: 'Kept-key' }, { plugin: 'RSS', name: 'news', key: 'RSS-news', path: '' }, { url: 'http://h', password: 'p', react: [] }, 1_000_000);
    assert.deepEqual(m, { subject: 'x', key: 'Kept-key', 'config.url': 'http://h', 'config.plugin': 'App::Wubot::Plugin::RSS', plugin: 'App::Wubot::Plugin::RSS', lastupdate: 1000 });
    const file = { plugin: 'RSS', name: 'news', key: 'RSS-news', path: '' };
    const config = { url: 'http://u:secret@h/feed?token=abc', user: 'dude', pass: 'lebowski', proxy: 'http://pu:pp@proxy:3128', tags: ['news', 'perl'], delay: '1h', timeout: '5m', enable: 1 };
    const replaced = decorate({ subject: 'y', 'config.tags': 'old' }, file, config, 1_000_000);
    assert.deepEqual(replaced, {
      subject: 'y',
      'config.url': 'http://[redacted]@h/feed?token=[redacted]',
      'config.user': 'dude',
      'config.proxy': 'http://[redacted]@proxy:3128',
      'config.tags': ['news', 'perl'],
      'config.delay': 3600,
      'config.timeout': '5m',
      'config.enable': 1,
      'config.plugin': 'App::Wubot::Plugin::RSS',
      plugin: 'App::Wubot::Plugin::RSS',
      key: 'RSS-news',
      lastupdate: 1000,
    });
    assert.deepEqual(decorate({ subject: 'z' }, { ...file, plugin: 'XMPP' }, undefined, 1_000_000), { subject: 'z', plugin: 'App::Wubot::Plugin::XMPP', key: 'RSS-news', lastupdate: 1000 });
    assert.deepEqual(failureMessage('boom', { url: 'http://h' }), { subject: 'CRITICAL: boom', errmsg: 'boom', status: 'CRITICAL', color: 'red', link: 'http://h' });
  });

  it('runs instances, applies their react rules, skips last_rule messages and disabled instances, and keeps going past a broken one', async () => {
    const h = home({
      'plugins/Command/hello.yaml': 'command: echo hello\ndelay: 1h\nreact:\n  - name: tag\n    plugin: SetField\n    config: { field: tagged, value: 1 }\n',
      'plugins/Command/quiet.yaml': 'command: echo quiet\ndelay: 1h\nreact:\n  - name: drop\n    last_rule: 1\n',
      'plugins/Command/off.yaml': 'command: echo off\nenabled: 0\n',
      'plugins/Command/broken.yaml': 'command: echo broken\ndelay: soon\n',
      'plugins/Command/slow.yaml': 'command: sleep 5\ntimeout: 1\ndelay: 1h\n',
      'plugins/Uptime/other.yaml.otherhost': 'delay: 1\n',
    });
    const mlog = memoryLog();
    const monitor = new Monitor({ home: h, hostname: 'h1', log: mlog });
    assert.equal(await monitor.start(), 3);
    const deadline = Date.now() + 10_000;
    while (queued(h).length < 2 && Date.now() < deadline) await sleep(50);
    await monitor.stop();
    const byKey = new Map(queued(h).map((m) => [m.key, m]));
    assert.deepEqual([...byKey.keys()].sort(), ['Command-hello', 'Command-slow']);
    const hello = byKey.get('Command-hello')!;
    assert.equal(hello.command_output, 'hello\n');
    assert.equal(hello.tagged, 1);
    assert.equal(hello['config.command'], 'echo hello');
    assert.equal(hello.hostname, 'h1');
    assert.equal(typeof hello.wubot_id, 'string');
    const slow = byKey.get('Command-slow')!;
    assert.equal(slow.status, 'CRITICAL');
    assert.equal(slow.subject, 'CRITICAL: Timed out after 1 seconds');
    const logText = mlog.lines.join('\n');
    assert.match(logText, /broken\.yaml:2:8: error WB1003: `delay` is not a time length/);
    assert.match(logText, /instance disabled.*Command-off/);
  });

  it('keeps a cache per instance and goes on from it after a restart', async () => {
    const h = home({ 'plugins/FileTail/log.yaml': `path: ${join(tempDir(), 'app.log')}\ndelay: 1h\n` });
    const logFile = (readFileSync(join(h, 'config/plugins/FileTail/log.yaml'), 'utf8').match(/path: (.*)/) ?? [])[1]!;
    writeFileSync(logFile, 'one\ntwo\n');
    let monitor = new Monitor({ home: h, hostname: 'h1', log: memoryLog() });
    await monitor.start();
    while (queued(h).length < 2) await sleep(50);
    await monitor.stop();
    assert.match(readFileSync(join(h, 'cache', 'FileTail-log.yaml'), 'utf8'), /offset: 8/);
    appendFileSync(logFile, 'three\npartial');
    writeFileSync(join(h, 'cache', 'FileTail-log.yaml'), readFileSync(join(h, 'cache', 'FileTail-log.yaml'), 'utf8').replace(/lastupdate: \d+/, 'lastupdate: 1'));
    monitor = new Monitor({ home: h, hostname: 'h1', log: memoryLog() });
    await monitor.start();
    while (queued(h).length < 3) await sleep(50);
    await monitor.stop();
    assert.deepEqual(queued(h).map((m) => m.subject), ['one', 'two', 'three']);
  });

  it('warns when a config file holding a password can be read by others', async () => {
    const h = home({ 'plugins/XMPP/link.yaml': 'account: a@localhost\npassword: pw\ndirectory: forward\nport: 1\ndelay: 1h\n' });
    const file = join(h, 'config/plugins/XMPP/link.yaml');
    chmodSync(file, 0o644);
    const log = memoryLog();
    let monitor = new Monitor({ home: h, hostname: 'h1', log });
    await monitor.start();
    await monitor.stop();
    assert.match(log.lines.join('\n'), /warn a config file holding a password can be read by other users/);
    assert.doesNotMatch(log.lines.join('\n'), /"pw"/);
    chmodSync(file, 0o600);
    const quiet = memoryLog();
    monitor = new Monitor({ home: h, hostname: 'h1', log: quiet });
    await monitor.start();
    await monitor.stop();
    assert.doesNotMatch(quiet.lines.join('\n'), /can be read by other users/);
  });

  it('reports instance config errors at file:line:col, as lint does', () => {
    const h = home({ 'plugins/Uptime/x.yaml': 'warning_load: 5\ncritical_load: 2\nwarnin_load: 1\n' });
    const c = compile(join(h, 'config/plugins/Uptime/x.yaml'), { instanceOf: 'Uptime', until: 'check' });
    const text = renderText(c.diagnostics);
    assert.match(text, /x\.yaml:3:1: warning WB1010: `warnin_load` is not a key of the Uptime instance: ignored, as the original ignores it/);
    assert.match(text, /did you mean `warning_load`\?/);
  });
});

describe('monitor plugins', () => {
  it('Uptime grades the one-minute load', () => {
    assert.equal(loadStatus(1, { warning_load: 2, critical_load: 4 }), 'OK');
    assert.equal(loadStatus(2, { warning_load: 2, critical_load: 4 }), 'OK', 'at the threshold is not above it, as in the original');
    assert.equal(loadStatus(2.01, { warning_load: 2, critical_load: 4 }), 'WARNING');
    assert.equal(loadStatus(4, { warning_load: 2, critical_load: 4 }), 'WARNING');
    assert.equal(loadStatus(9, { warning_load: 2, critical_load: 4 }), 'CRITICAL');
  });

  it('Pulse sends missed minutes, oldest first, up to max_pulses', async () => {
    const p = monitorPlugins.get('Pulse')!.create({ max_pulses: 3 }, { hostname: 'h', home: '', key: 'Pulse-x', log: memoryLog(), emit() {} });
    const now = Math.floor(Date.now() / 60_000) * 60_000;
    const r = await p.check({ last_minute: now - 10 * 60_000 }, never);
    const msgs = r.react as Message[];
    assert.deepEqual(msgs.map((m) => m.age), [2, 1, 0]);
    assert.deepEqual(r.cache, { last_minute: now });
  });

  it('DiskSpace reports how full / is', async () => {
    const d = monitorPlugins.get('DiskSpace')!.create({ warning_percent: 0 }, { hostname: 'h', home: '', key: 'DiskSpace-root', log: memoryLog(), emit() {} });
    const m = (await d.check({}, never)).react as Message;
    assert.equal(typeof m.percent, 'number');
    assert.equal(m.status, (m.percent as number) >= 95 ? 'CRITICAL' : 'WARNING');
  });

  it('FileTail starts over when the file was replaced, and gives stable ids', async () => {
    const dir = tempDir();
    const file = join(dir, 'a.log');
    writeFileSync(file, 'x\ny\n');
    const t = monitorPlugins.get('FileTail')!.create({ path: file }, { hostname: 'h', home: '', key: 'FileTail-a', log: memoryLog(), emit() {} });
    const first = await t.check({}, never);
    const again = await t.check({}, never);
    assert.deepEqual((first.react as Message[]).map((m) => m.wubot_id), (again.react as Message[]).map((m) => m.wubot_id));
    writeFileSync(join(dir, 'b.log'), 'z\n');
    const { renameSync } = await import('node:fs');
    renameSync(join(dir, 'b.log'), file);
    const rotated = await t.check(first.cache!, never);
    assert.deepEqual((rotated.react as Message[]).map((m) => m.subject), ['z']);
  });
});
