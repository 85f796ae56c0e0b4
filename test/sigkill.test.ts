import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { repoRoot, tempDir } from './helpers.js';

const wubot = join(repoRoot, 'dist', 'bin', 'wubot.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** start runs `wubot <daemon>` and resolves once it says it started. */
async function start(daemon: 'monitor' | 'reactor', home: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [wubot, daemon, '--home', home, '--hostname', 'h1'], { stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes(`${daemon} started`)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`${daemon} exited ${code} before starting: ${err}`)));
  });
  return child;
}

async function kill(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  child.kill(signal);
  if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('exit', r));
}

function count(dir: string, where = ''): number {
  const file = join(dir, 'queue.sqlite');
  if (!existsSync(file)) return 0;
  const db = new Database(file, { readonly: true });
  const n = (db.prepare(`SELECT count(*) AS n FROM message_queue ${where}`).get() as { n: number }).n;
  db.close();
  return n;
}

describe('monitor and reactor under SIGKILL', () => {
  it('bring 20,000 messages downstream exactly once, in order, however often they are killed', async () => {
    const home = tempDir('wubot-kill-');
    const log = join(home, 'app.log');
    writeFileSync(log, '');
    mkdirSync(join(home, 'config', 'plugins', 'FileTail'), { recursive: true });
    writeFileSync(join(home, 'config', 'plugins', 'FileTail', 'app.yaml'), `path: ${log}\ndelay: 0.1\nmax_lines: 700\n`);
    writeFileSync(
      join(home, 'config', 'reactor.yaml'),
      'rules:\n  - name: tag\n    plugin: SetField\n    config: { field: relayed, value: 1 }\n  - name: forward\n    plugin: MessageQueue\n    config: { directory: forward }\n',
    );
    const total = 20_000;
    let written = 0;
    const procs = { monitor: await start('monitor', home), reactor: await start('reactor', home) };
    const produce = (async () => {
      while (written < total) {
        const n = Math.min(300, total - written);
        appendFileSync(log, Array.from({ length: n }, (_, i) => `line ${written + i}\n`).join(''));
        written += n;
        await sleep(30);
      }
    })();
    const kills = { monitor: 0, reactor: 0 };
    // kill one or the other at random moments while lines flow, then start it again
    while (written < total || kills.monitor + kills.reactor < 12) {
      await sleep(Math.random() * 300);
      const which = Math.random() < 0.5 ? 'monitor' : 'reactor';
      await kill(procs[which]);
      kills[which]++;
      procs[which] = await start(which, home);
    }
    await produce;
    const forward = join(home, 'forward');
    const deadline = Date.now() + 60_000;
    while ((count(forward) < total || count(join(home, 'reactor'), 'WHERE seen IS NULL') > 0) && Date.now() < deadline) await sleep(100);
    await kill(procs.monitor, 'SIGTERM');
    await kill(procs.reactor, 'SIGTERM');

    const db = new Database(join(forward, 'queue.sqlite'), { readonly: true });
    const rows = db.prepare('SELECT uid, data FROM message_queue ORDER BY id').all() as { uid: string; data: string }[];
    db.close();
    const subjects = rows.map((r) => (JSON.parse(r.data) as { subject: string }).subject);
    assert.ok(kills.monitor >= 2 && kills.reactor >= 2, JSON.stringify(kills));
    assert.equal(rows.length, total, `${rows.length} rows downstream after kills ${JSON.stringify(kills)}`);
    assert.equal(new Set(rows.map((r) => r.uid)).size, total);
    assert.deepEqual(subjects, Array.from({ length: total }, (_, i) => `line ${i}`));
  });
});
