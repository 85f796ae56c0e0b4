import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { exportConfig, hostConfig, loadsFile } from '../runtime/config-tree.js';
import { parseTimeLength } from '../runtime/time-length.js';
import { tempDir } from './helpers.js';

function tree(files: Record<string, string>): string {
  const root = tempDir('wubot-config-');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('config tree', () => {
  const files = {
    'reactor.yaml': 'rules: []\n',
    'reactor.yaml.web1': 'rules: []\n',
    'plugins/Uptime/load.yaml': 'delay: 1m\n',
    'plugins/Uptime/load.yaml.web1': 'delay: 5s\n',
    'plugins/Command/backup.yaml.web2': 'command: backup\npassword: web2-secret\n',
    'plugins/Command/old.yaml.disabled': 'command: old\n',
    'plugins/Command/old.yaml.web1.bak': 'password: web1-backup-secret\n',
    'plugins/Command/notes.txt': 'not an instance\n',
    'rules/shared.yaml': 'rules: []\n',
  };

  it('loads unsuffixed files and the host\'s own, the own one first', () => {
    const c = hostConfig(tree(files), 'web1');
    assert.ok(c.reactor?.endsWith('reactor.yaml.web1'));
    assert.deepEqual(
      c.instances.map((i) => [i.key, i.path.split('/').pop()]),
      [['Uptime-load', 'load.yaml.web1']],
    );
    const reasons = c.ignored.map((i) => `${i.path.split('/').pop()}: ${i.reason}`);
    assert.ok(reasons.includes('backup.yaml.web2: for host web2'));
    assert.ok(reasons.includes('old.yaml.disabled: for host disabled'));
    assert.ok(reasons.includes('old.yaml.web1.bak: for host web1.bak'));
    assert.ok(reasons.includes('load.yaml: replaced by load.yaml.web1'));
  });

  it('falls back to reactor.yaml and to the shared instance file', () => {
    const c = hostConfig(tree(files), 'web3');
    assert.ok(c.reactor?.endsWith('/reactor.yaml'));
    assert.deepEqual(c.instances.map((i) => i.path.split('/').pop()), ['load.yaml']);
  });

  it('exports only what a host loads, so other hosts\' secrets stay home', () => {
    const root = tree(files);
    const dest = tempDir();
    const copied = exportConfig(root, 'web1', dest);
    assert.deepEqual(copied.sort(), [
      'plugins/Command/notes.txt',
      'plugins/Uptime/load.yaml',
      'plugins/Uptime/load.yaml.web1',
      'reactor.yaml',
      'reactor.yaml.web1',
      'rules/shared.yaml',
    ]);
    assert.ok(!existsSync(join(dest, 'plugins/Command/backup.yaml.web2')));
    assert.equal(readFileSync(join(dest, 'reactor.yaml.web1'), 'utf8'), 'rules: []\n');
  });

  it('reads host suffixes exactly', () => {
    assert.equal(loadsFile('a.yaml', 'web1'), true);
    assert.equal(loadsFile('a.yaml.web1', 'web1'), true);
    assert.equal(loadsFile('a.yaml.web10', 'web1'), false);
    assert.equal(loadsFile('a.yaml.web1.bak', 'web1'), false);
  });
});

describe('time lengths', () => {
  it('reads the original forms and combinations', () => {
    const table: [unknown, number | undefined][] = [
      [30, 30],
      ['30', 30],
      ['5s', 5],
      ['15m', 900],
      ['1h', 3600],
      ['1h30m', 5400],
      ['1h30m15s', 5415],
      ['2d', 172800],
      ['1w', 604800],
      ['1M', 2592000],
      ['1y', 31536000],
      ['1.5m', 90],
      ['', undefined],
      ['5x', undefined],
      ['30 1m', undefined],
      ['1h 30m', undefined],
      [-5, undefined],
      [null, undefined],
    ];
    for (const [text, seconds] of table) assert.equal(parseTimeLength(text), seconds, String(text));
  });
});
