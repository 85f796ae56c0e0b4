import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createLogger } from '../../runtime/log.js';
import { decorate } from '../../apps/wubot/monitor.js';
import { isSecretKey, redact, redactLine, rememberSecrets } from '../../runtime/secrets.js';
import { repoRoot, startDaemon, stopChild, tempDir, wubotHome } from '../helpers.js';

const wubotc = (args: string[]) => {
  const r = spawnSync(process.execPath, [join(repoRoot, 'dist', 'bin', 'wubotc.js'), ...args], { encoding: 'utf8', env: { ...process.env, WUBOTC_CACHE: tempDir() } });
  return r.stdout + r.stderr;
};

/** Files whose secrets sit where a line-shape rule misses them; each secret is a distinct text to look for. */
const files: Record<string, string> = {
  'plugins/XMPP/misspelt.yaml': 'account: a@localhost\npasword: S3cret-misspelt\ndirectory: forward\nuser: b@localhost\n',
  'plugins/XMPP/nocolon.yaml': 'account: a@localhost\npassword S3cret-nocolon\ndirectory: forward\nuser: b@localhost\n',
  'plugins/XMPP/flow.yaml': '{ account: a@localhost, password: S3cret-flow, directory: forward, user: b@localhost, port: [ }\n',
  'plugins/XMPP/flowkey.yaml': '{ account: a@localhost, password: S3cret-flowkey, directory: forward, user: b@localhost, prot: 5 }\n',
  'plugins/XMPP/quoted.yaml': 'account: a@localhost\n"secert": "S3cret-quoted"\ndirectory: forward\nuser: b@localhost\n',
  'reactor.yaml': 'rules:\n  - name: x\n    plugin: SetField\n    config: { set: { api_token: S3cret-rule }, nonsense: 1 }\n',
};
const SECRETS = /S3cret-/;

describe('secrets in every output', () => {
  it('isSecretKey knows secret keys and their likely misspellings, and not the usual keys', () => {
    for (const k of ['password', 'pasword', 'passwd', 'Password', 'db_pass', 'secert', 'api_token', 'tokn', 'passphrase', 'credentials', 'webhook', 'Authorization', 'Cookie', 'api_key', 'X-Api-Key', 'user_key', 'access_token']) assert.ok(isSecretKey(k), k);
    for (const k of ['path', 'port', 'account', 'subject', 'status', 'directory', 'key', 'name', 'host', 'delay', 'timeout', 'command', 'user', 'condition', 'rules', 'plugin', 'config', 'link', 'lastupdate', 'max_hops', 'url', 'server', 'homeserver', 'room', 'topic', 'headers', 'method']) {
      assert.ok(!isSecretKey(k), k);
    }
  });

  it('lint hides them, in text and in JSON', () => {
    const home = wubotHome('h1', files);
    const text = wubotc(['lint', join(home, 'config')]);
    assert.match(text, /error/);
    assert.match(text, /\[redacted\]/);
    assert.doesNotMatch(text, SECRETS, text);
    const json = wubotc(['lint', join(home, 'config'), '--format', 'json']);
    assert.ok(JSON.parse(json.slice(0, json.lastIndexOf(']') + 1)).length > 0);
    assert.doesNotMatch(json, SECRETS, json);
  });

  it("the monitor daemon's log hides them", async () => {
    const home = wubotHome('h1', files);
    const child = await startDaemon('monitor', home, 'h1');
    await stopChild(child);
    assert.match(child.log, /has errors/);
    assert.doesNotMatch(child.log, SECRETS, child.log);
  });

  it('a configured secret is hidden wherever it shows up again, and misspelt keys are not copied onto messages', () => {
    rememberSecrets({ account: 'a', nested: { passwd: 'Known-S3cret-value' } });
    const lines: string[] = [];
    const log = createLogger({ write: (l: string) => lines.push(l) } as unknown as NodeJS.WritableStream, false);
    log.error('login failed', { reply: 'server said: Known-S3cret-value is wrong', pasword: 'x' });
    assert.doesNotMatch(lines.join(''), /Known-S3cret|"x"/);
    assert.deepEqual(redact({ list: [{ token: 1 }] }), { list: [{ token: '[redacted]' }] });
    assert.equal(redactLine('  - url: http://h?x=1 # Known-S3cret-value'), '  - url: http://h?x=1 # [redacted]');
    const m = decorate({ subject: 's' }, { plugin: 'Command', name: 'c', key: 'Command-c', path: '' }, { command: 'true', pasword: 'p' });
    assert.equal('config.pasword' in m, false);
  });
});
