import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { queueMessages, sleep, startDaemon, stopChild, tempDir } from './helpers.js';

const count = (dir: string, where = '') => queueMessages(dir, where).length;

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
    const procs = { monitor: await startDaemon('monitor', home, 'h1'), reactor: await startDaemon('reactor', home, 'h1') };
    const produce = (async () => {
      while (written < total) {
        const n = Math.min(300, total - written);
        appendFileSync(log, Array.from({ length: n }, (_, i) => `line ${written + i}\n`).join(''));
        written += n;
        await sleep(30);
      }
    })();
    const kills = { monitor: 0, reactor: 0 };
    const forward = join(home, 'forward');
    try {
      // kill one or the other at random moments while lines flow, then start it again
      while (written < total || kills.monitor + kills.reactor < 12) {
        await sleep(Math.random() * 300);
        // at random, but neither falls two kills behind the other: both are killed often in every run
        const behind = kills.monitor - kills.reactor;
        const which = behind <= -2 ? 'monitor' : behind >= 2 ? 'reactor' : Math.random() < 0.5 ? 'monitor' : 'reactor';
        await stopChild(procs[which], 'SIGKILL');
        kills[which]++;
        procs[which] = await startDaemon(which, home, 'h1');
      }
      await produce;
      const deadline = Date.now() + 60_000;
      while ((count(forward) < total || count(join(home, 'reactor'), 'WHERE acked_at IS NULL') > 0) && Date.now() < deadline) await sleep(100);
    } finally {
      // whatever failed, no daemon is left behind to keep the test run waiting
      await stopChild(procs.monitor);
      await stopChild(procs.reactor);
    }

    const rows = queueMessages(forward);
    const subjects = rows.map((m) => m.subject);
    assert.ok(kills.monitor >= 2 && kills.reactor >= 2, JSON.stringify(kills));
    assert.equal(rows.length, total, `${rows.length} rows downstream after kills ${JSON.stringify(kills)}`);
    assert.equal(new Set(rows.map((m) => m.wubot_id)).size, total);
    assert.deepEqual(subjects, Array.from({ length: total }, (_, i) => `line ${i}`));
  });
});
