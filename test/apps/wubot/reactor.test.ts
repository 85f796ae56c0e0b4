import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { Message } from '../../../runtime/pipeline-api.js';
import { QueueWriter } from '../../../runtime/queue/queue-writer.js';
import { reactorFile } from '../../../runtime/config-tree.js';
import { Reactor } from '../../../apps/wubot/reactor.js';
import { memoryLog, queueMessages, repoRoot, tempDir } from '../../helpers.js';

function home(rules: string, hostSuffix = ''): string {
  const h = tempDir('wubot-reactor-');
  mkdirSync(join(h, 'config'));
  writeFileSync(join(h, 'config', `reactor.yaml${hostSuffix}`), rules);
  return h;
}

const forwarded = (h: string): Message[] => queueMessages(join(h, 'forward'));

const forward = (value: string) =>
  `rules:\n  - name: set\n    plugin: SetField\n    config: { field: v, value: ${value} }\n  - name: forward\n    plugin: MessageQueue\n    config: { directory: forward }\n`;

describe('reactor', () => {
  it('prefers reactor.yaml.<host> and falls back to reactor.yaml', () => {
    const h = home('rules: []\n');
    assert.equal(reactorFile(join(h, 'config'), 'web1'), join(h, 'config', 'reactor.yaml'));
    writeFileSync(join(h, 'config', 'reactor.yaml.web1'), 'rules: []\n');
    assert.equal(reactorFile(join(h, 'config'), 'web1'), join(h, 'config', 'reactor.yaml.web1'));
    assert.equal(reactorFile(join(h, 'config'), 'web2'), join(h, 'config', 'reactor.yaml'));
  });

  it('handles the queue in order, defaults the key, and reloads a changed config between batches', async () => {
    const h = home(forward('one'));
    const log = memoryLog();
    const r = new Reactor({ home: h, hostname: 'h1', log, watchMs: 0 });
    assert.ok(await r.start());
    const w = QueueWriter.open(join(h, 'reactor'));
    w.append([{ n: 1 }, { n: 2 }]);
    r.step();
    writeFileSync(join(h, 'config', 'reactor.yaml'), forward('two') + '# changed\n');
    w.append([{ n: 3 }]);
    // a broken config is refused and the running tree stays
    await (r as unknown as { maybeReload(): Promise<void> }).maybeReload();
    writeFileSync(join(h, 'config', 'reactor.yaml'), 'rules:\n  - name: bad\n    condition: x matches (x\n');
    await (r as unknown as { maybeReload(): Promise<void> }).maybeReload();
    // and so is an alias bomb (10^7 nodes), with its line and column
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...'bcdefg'.split('').map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'abcdef'[i]}`).join(', ')}]`)];
    writeFileSync(join(h, 'config', 'reactor.yaml'), `${bomb.join('\n')}\nrules: []\n`);
    await (r as unknown as { maybeReload(): Promise<void> }).maybeReload();
    r.step();
    r.close();
    w.close();
    const out = forwarded(h);
    assert.deepEqual(out.map((m) => [m.n, m.v, m.key]), [
      [1, 'one', 'wubot-reactor'],
      [2, 'one', 'wubot-reactor'],
      [3, 'two', 'wubot-reactor'],
    ]);
    assert.match(log.lines.join('\n'), /error the reactor config has errors.*WB3002/);
    assert.match(log.lines.join('\n'), /reactor\.yaml:5:\d+: error WB1001: aliases expand this document/);
    assert.match(log.lines.join('\n'), /warn kept the running rule tree/);
  });

  it('sends a message whose plugin throws to the dead-letter table with the rule name', async () => {
    const h = home('rules:\n  - name: capture\n    plugin: CaptureData\n    config: { source_field: s, regexp_field: re }\n  - name: forward\n    plugin: MessageQueue\n    config: { directory: forward }\n');
    const log = memoryLog();
    const r = new Reactor({ home: h, hostname: 'h1', log });
    assert.ok(await r.start());
    const w = QueueWriter.open(join(h, 'reactor'));
    w.append([{ n: 1, s: 'x', re: '(?R)' }, { n: 2, s: 'x', re: '(x)' }]);
    r.step();
    r.close();
    w.close();
    assert.deepEqual(forwarded(h).map((m) => m.n), [2]);
    const db = new Database(join(h, 'reactor', 'queue.sqlite'), { readonly: true });
    const dead = db.prepare('SELECT rule, error FROM message_queue_dead').all() as { rule: string; error: string }[];
    const pendingRows = (db.prepare('SELECT count(*) AS n FROM message_queue_state WHERE acked_at IS NULL').get() as { n: number }).n;
    db.close();
    assert.equal(dead.length, 1);
    assert.equal(dead[0].rule, 'capture');
    assert.match(dead[0].error, /recursion/);
    assert.equal(pendingRows, 0);
  });

  it('refuses to start with a broken config and prints where it is broken', () => {
    const h = home('rules:\n  - name: bad\n    plugin: SetFeild\n');
    const r = spawnSync(process.execPath, [join(repoRoot, 'dist', 'bin', 'wubot.js'), 'reactor', '--home', h, '--hostname', 'h1'], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /reactor\.yaml:3:13: error WB3001: unknown plugin `SetFeild`/);
  });
});
