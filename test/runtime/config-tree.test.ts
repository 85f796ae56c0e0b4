import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { hostConfig, hostSuffix } from '../../runtime/config-tree.js';
import { exportConfig, hostFiles } from '../../apps/wubot/host-files.js';
import { parseTimeLength } from '../../grammar/time-length.js';
import { tempDir } from '../helpers.js';

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

  it('exports exactly what the host loads: no replaced file, no other host\'s, no editor backup, no unused rule file', () => {
    const home = tree(Object.fromEntries(Object.entries({
      ...files,
      'reactor.yaml.web1': 'rules:\n  - name: shared\n    rulesfile: rules/shared.yaml\n',
      'rules/unused.yaml': 'rules: []\n',
      'reactor.yaml~': 'rules: []\n',
      'plugins/XMPP/link.yaml': 'account: c@h\npassword: central-secret\ndirectory: forward\n',
      'plugins/XMPP/link.yaml.web1': 'account: w@h\npassword: web1-secret\ndirectory: forward\ntls_ca: config/tls/ca.pem\n',
      'plugins/XMPP/link.yaml~': 'password: old-secret\n',
      'plugins/XMPP/.link.yaml.swp': 'password: swap-secret\n',
      'plugins/XMPP/#link.yaml#': 'password: autosave-secret\n',
      'tls/ca.pem': 'PEM\n',
      'tls/other.pem': 'PEM\n',
      'webui.yaml.web1': 'port: 8471\n',
      'webui.yaml': 'port: 8470\n',
    }).map(([k, v]) => [`config/${k}`, v])));
    const root = join(home, 'config');
    const dest = tempDir();
    const { copied } = exportConfig(root, 'web1', dest);
    const expected = ['plugins/Uptime/load.yaml.web1', 'plugins/XMPP/link.yaml.web1', 'reactor.yaml.web1', 'rules/shared.yaml', 'tls/ca.pem', 'webui.yaml.web1'];
    assert.deepEqual(copied.sort(), expected);
    // one answer to "what does web1 load": the export is what show lists
    assert.deepEqual(hostFiles(root, 'web1').files.map((f) => f.path.slice(root.length + 1)).sort(), expected);
    assert.equal(readFileSync(join(dest, 'reactor.yaml.web1'), 'utf8'), readFileSync(join(root, 'reactor.yaml.web1'), 'utf8'));
    for (const gone of ['reactor.yaml', 'plugins/XMPP/link.yaml', 'plugins/XMPP/link.yaml~', 'plugins/XMPP/.link.yaml.swp', 'plugins/XMPP/#link.yaml#', 'plugins/Command/notes.txt', 'rules/unused.yaml']) {
      assert.ok(!existsSync(join(dest, gone)), gone);
    }
  });

  it('reads host suffixes exactly', () => {
    assert.equal(hostSuffix('a.yaml'), undefined);
    assert.equal(hostSuffix('a.yaml.web1'), 'web1');
    assert.equal(hostSuffix('a.yaml.web10'), 'web10');
    assert.equal(hostSuffix('a.yaml.web1.bak'), 'web1.bak');
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
      ['30 1m', 90],
      ['1h 30m', 5400],
      [-5, -5],
      [null, undefined],
    ];
    for (const [text, seconds] of table) assert.equal(parseTimeLength(text), seconds, String(text));
  });
});
