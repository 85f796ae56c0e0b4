import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, copyFileSync, renameSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Monitor } from '../../../apps/wubot/monitor.js';
import type { Message } from '../../../runtime/pipeline-api.js';
import { MAX_LINE } from '../../../stdlib/monitors/file-tail.js';
import { memoryLog, queueMessages, tempDir, waitFor, wubotHome } from '../../helpers.js';

/** tail sets up a FileTail instance on a fresh log file, and runs one real monitor (queue, cache, restart) check at a time. */
function tail(maxLines = 10000) {
  const dir = tempDir('wubot-tail-');
  const file = join(dir, 'app.log');
  writeFileSync(file, '');
  const home = wubotHome('h1', { 'plugins/FileTail/app.yaml': `path: ${file}\ndelay: 0.05\nmax_lines: ${maxLines}\n` });
  const log = memoryLog();
  return {
    dir,
    file,
    log,
    /** check starts the monitor, waits for one check, and stops it: files change only between checks. */
    async check(): Promise<void> {
      const m = new Monitor({ home, hostname: 'h1', log });
      await m.start();
      assert.ok(await waitFor(() => m.checks >= 1, 20_000, 20));
      await m.stop();
    },
    subjects: (): string[] => queueMessages(join(home, 'reactor')).map((m: Message) => m.subject as string),
  };
}

/** lines makes distinct lines of one length, so that new lines sit at the offsets old ones had. */
const lines = (tag: string, from: number, to: number): string => Array.from({ length: to - from + 1 }, (_, i) => `${tag}-${String(from + i).padStart(3, '0')}\n`).join('');
const list = (text: string): string[] => text.split('\n').filter(Boolean);

describe('FileTail across log rotation', () => {
  it('copytruncate: reads the end of the old content from the copy, and keeps every new line at the old offsets', async () => {
    const t = tail();
    writeFileSync(t.file, lines('old', 1, 3));
    await t.check();
    appendFileSync(t.file, lines('old', 4, 5));
    copyFileSync(t.file, `${t.file}.1`);
    truncateSync(t.file, 0);
    appendFileSync(t.file, lines('new', 1, 2));
    await t.check();
    assert.deepEqual(t.subjects(), list(lines('old', 1, 5) + lines('new', 1, 2)));
    // the next copytruncate reuses the same offsets once more
    appendFileSync(t.file, lines('new', 3, 3));
    copyFileSync(t.file, `${t.file}.1`);
    truncateSync(t.file, 0);
    appendFileSync(t.file, lines('third', 1, 4));
    await t.check();
    assert.deepEqual(t.subjects(), list(lines('old', 1, 5) + lines('new', 1, 3) + lines('third', 1, 4)));
  });

  it('truncate to zero, then grown past the old size between two checks: every new line is read', async () => {
    const t = tail();
    writeFileSync(t.file, lines('a', 1, 2));
    await t.check();
    writeFileSync(t.file, lines('b', 1, 5));
    await t.check();
    truncateSync(t.file, 0);
    await t.check();
    appendFileSync(t.file, lines('c', 1, 1));
    await t.check();
    assert.deepEqual(t.subjects(), list(lines('a', 1, 2) + lines('b', 1, 5) + lines('c', 1, 1)));
  });

  it('rename: lines written before the rename are read from the renamed file, then the new one', async () => {
    const t = tail(2);
    writeFileSync(t.file, lines('a', 1, 1));
    await t.check();
    appendFileSync(t.file, lines('a', 2, 4));
    renameSync(t.file, `${t.file}.1`);
    writeFileSync(t.file, lines('n', 1, 3));
    await t.check();
    await t.check();
    await t.check();
    assert.deepEqual(t.subjects(), list(lines('a', 1, 4) + lines('n', 1, 3)));
  });

  it('a new file at the same path (deleted and created, perhaps on the same inode) is read from its start', async () => {
    const t = tail();
    writeFileSync(t.file, lines('a', 1, 2));
    await t.check();
    unlinkSync(t.file);
    writeFileSync(t.file, lines('d', 1, 6));
    await t.check();
    assert.deepEqual(t.subjects(), list(lines('a', 1, 2) + lines('d', 1, 6)));
  });

  it('rotated and compressed: says the old content is gone and reads the new file whole', async () => {
    const t = tail();
    writeFileSync(t.file, lines('a', 1, 1));
    await t.check();
    appendFileSync(t.file, lines('a', 2, 2));
    renameSync(t.file, `${t.file}.1`);
    execFileSync('gzip', [`${t.file}.1`]);
    writeFileSync(t.file, lines('z', 1, 2));
    await t.check();
    assert.deepEqual(t.subjects(), list(lines('a', 1, 1) + lines('z', 1, 2)));
    assert.match(t.log.lines.join('\n'), /old content is gone/);
  });

  it('refuses what is not a regular file, and sends a line without end in pieces', async () => {
    const t = tail();
    const fifo = join(t.dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const f = tail();
    writeFileSync(f.file, 'x'.repeat(MAX_LINE + 10));
    await f.check();
    assert.deepEqual(f.subjects().map((s) => s.length), [MAX_LINE]);
    const { monitorPlugins } = await import('../../../stdlib/monitors/index.js');
    for (const path of ['/dev/zero', fifo]) {
      const dev = monitorPlugins.get('FileTail')!.create({ path }, { hostname: 'h', home: '', key: 'FileTail-z', log: memoryLog(), emit() {} });
      assert.throws(() => dev.check({}, new AbortController().signal), /is not a regular file/);
    }
  });
});
