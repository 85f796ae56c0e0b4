import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { QueueWriter } from '../runtime/queue/queue-writer.js';
import { repoRoot, tempDir } from './helpers.js';

const wubot = join(repoRoot, 'dist', 'bin', 'wubot.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** startReactor starts a reactor and resolves once it has started handling its queue. */
async function startReactor(home: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [wubot, 'reactor', '--home', home, '--hostname', 'h1'], { stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('reactor started')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`reactor exited ${code} before starting: ${err}`)));
  });
  return child;
}

function pending(dir: string): number {
  const db = new Database(join(dir, 'queue.sqlite'), { readonly: true });
  const n = (db.prepare('SELECT count(*) AS n FROM message_queue WHERE seen IS NULL').get() as { n: number }).n;
  db.close();
  return n;
}

describe('reactor under SIGKILL', () => {
  it('delivers 20,000 messages downstream exactly once, in order, however often it is killed', async () => {
    const home = tempDir('wubot-kill-');
    mkdirSync(join(home, 'config'));
    writeFileSync(
      join(home, 'config', 'reactor.yaml'),
      'rules:\n  - name: tag\n    plugin: SetField\n    config: { field: relayed, value: 1 }\n  - name: forward\n    plugin: MessageQueue\n    config: { directory: forward }\n',
    );
    const total = 20_000;
    const writer = QueueWriter.open(join(home, 'reactor'), { hostname: 'mon' });
    let sent = 0;
    let kills = 0;
    let child = await startReactor(home);
    const produce = (async () => {
      while (sent < total) {
        const batch = Array.from({ length: Math.min(400, total - sent) }, (_, i) => ({ n: sent + i, subject: `message ${sent + i}` }));
        writer.append(batch);
        sent += batch.length;
        await sleep(40);
      }
    })();
    // kill the reactor at random moments while messages flow, and start it again
    while (sent < total || kills < 8) {
      await sleep(Math.random() * 250);
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      kills++;
      child = await startReactor(home);
    }
    await produce;
    writer.close();
    const deadline = Date.now() + 60_000;
    while (pending(join(home, 'reactor')) > 0 && Date.now() < deadline) await sleep(100);
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    assert.equal(pending(join(home, 'reactor')), 0);

    const db = new Database(join(home, 'forward', 'queue.sqlite'), { readonly: true });
    const rows = db.prepare('SELECT uid, data FROM message_queue ORDER BY id').all() as { uid: string; data: string }[];
    db.close();
    const ns = rows.map((r) => (JSON.parse(r.data) as { n: number; relayed: number }).n);
    assert.equal(rows.length, total, `${rows.length} rows downstream after ${kills} kills`);
    assert.equal(new Set(rows.map((r) => r.uid)).size, total);
    assert.deepEqual(ns, Array.from({ length: total }, (_, i) => i));
    assert.ok(kills >= 8);
  });
});
