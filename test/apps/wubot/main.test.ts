import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { queueMessages, repoRoot, startDaemon, stopChild, tempDir, waitFor } from '../../helpers.js';

const bin = join(repoRoot, 'dist', 'bin', 'wubot.js');

function wubot(args: string[], input = '') {
  const r = spawnSync(process.execPath, [bin, ...args], { input, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('wubot', () => {
  it('prints usage and exits 2 without a command', () => {
    const r = wubot([]);
    assert.equal(r.code, 2);
    assert.match(r.stdout, /usage: wubot/);
    assert.equal(wubot(['frobnicate']).code, 2);
  });

  it('queue push, stats and dump', () => {
    const dir = join(tempDir(), 'q');
    const push = wubot(['queue', 'push', dir, '--hostname', 'h1'], '{"subject":"a"}\nnot json\n{"subject":"b","key":"K"}\n');
    assert.equal(push.code, 1);
    assert.match(push.stderr, /line 2: /);
    assert.match(push.stderr, /2 messages appended/);
    const stats = JSON.parse(wubot(['queue', 'stats', dir]).stdout) as Record<string, number>;
    assert.equal(stats.pending, 2);
    assert.equal(stats.acked, 0);
    const rows = wubot(['queue', 'dump', dir])
      .stdout.trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { state: string; id: string; message: Record<string, unknown> });
    assert.deepEqual(rows.map((r) => [r.state, r.message.subject, r.message.hostname]), [
      ['pending', 'a', 'h1'],
      ['pending', 'b', 'h1'],
    ]);
    assert.equal(rows[0].id, rows[0].message.wubot_id);
    assert.equal(wubot(['queue', 'stats', join(dir, 'nope')]).code, 2);
  });

  it('config show lists what this host loads and what it does not', () => {
    const home = tempDir();
    mkdirSync(join(home, 'config', 'plugins', 'Uptime'), { recursive: true });
    writeFileSync(join(home, 'config', 'reactor.yaml'), 'rules: []\n');
    writeFileSync(join(home, 'config', 'plugins', 'Uptime', 'load.yaml'), 'delay: 1m\n');
    writeFileSync(join(home, 'config', 'plugins', 'Uptime', 'load.yaml.web2'), 'delay: 5s\n');
    const r = wubot(['config', 'show', '--home', home, '--hostname', 'web1']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Uptime-load +.*load\.yaml$/m);
    assert.match(r.stdout, /load\.yaml\.web2 \(for host web2\)/);
    const dest = tempDir();
    assert.equal(wubot(['config', 'export', '--home', home, '--hostname', 'web1', dest]).code, 0);
    assert.ok(existsSync(join(dest, 'plugins', 'Uptime', 'load.yaml')));
    assert.ok(!existsSync(join(dest, 'plugins', 'Uptime', 'load.yaml.web2')));
    assert.equal(wubot(['config', 'export', '--home', home, dest]).code, 2);
  });

  it('reactor reloads its rules on SIGHUP', async () => {
    const home = tempDir();
    mkdirSync(join(home, 'config'));
    const rules = (v: string) => `rules:\n  - name: set\n    plugin: SetField\n    config: { field: v, value: ${v} }\n  - name: fwd\n    plugin: MessageQueue\n    config: { directory: out }\n`;
    writeFileSync(join(home, 'config', 'reactor.yaml'), rules('one'));
    const child = await startDaemon('reactor', home, 'h1');
    try {
      // same size and same mtime: the file watch cannot see the change, only the signal tells the reactor
      const file = join(home, 'config', 'reactor.yaml');
      const before = statSync(file);
      writeFileSync(file, rules('two'));
      utimesSync(file, before.atime, before.mtime);
      child.kill('SIGHUP');
      assert.ok(await waitFor(() => child.log.includes('reloaded the rule tree')), child.log);
      wubot(['queue', 'push', join(home, 'reactor')], '{"subject":"x"}\n');
      assert.ok(await waitFor(() => queueMessages(join(home, 'out')).length === 1), child.log);
      assert.equal(queueMessages(join(home, 'out'))[0].v, 'two');
    } finally {
      // a failed assertion must not leave the reactor running: the test run would wait for it forever
      await stopChild(child);
    }
  });
});
