import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { QueueWriter } from '../../../runtime/queue/queue-writer.js';
import { queueMessages, repoRoot, sleep, startDaemon, stopChild, tempDir, waitFor, wubotHome } from '../../helpers.js';

const ROWS = 3000;
const PAGE = 4096;

/** filledHome is a wubot home whose reactor queue holds ROWS messages, and whose rules copy each to the `out` queue. */
function filledHome(): { home: string; file: string } {
  const home = wubotHome('h1', { 'reactor.yaml': 'rules:\n  - name: all\n    plugin: MessageQueue\n    config: { directory: out }\n' });
  const w = QueueWriter.open(join(home, 'reactor'), { hostname: 'h1' });
  w.append(Array.from({ length: ROWS }, (_, i) => ({ key: 'k', subject: `m${i}`, pad: 'x'.repeat(300) })));
  w.close();
  return { home, file: join(home, 'reactor', 'queue.sqlite') };
}

/** garble overwrites `pages` whole pages in the middle of a file with random bytes. */
function garble(file: string, pages: number): void {
  const at = Math.floor(statSync(file).size / PAGE / 2) * PAGE;
  const fd = openSync(file, 'r+');
  writeSync(fd, randomFillSync(Buffer.alloc(pages * PAGE)), 0, pages * PAGE, at);
  closeSync(fd);
}

const wubot = (args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'dist', 'bin', 'wubot.js'), ...args], { encoding: 'utf8', timeout: 20_000 });

async function reactorGoesOn(home: string, atLeast: number): Promise<void> {
  const child = await startDaemon('reactor', home, 'h1');
  try {
    const out = () => queueMessages(join(home, 'out')).length;
    const line = /"msg":"queue file is damaged; saved what could be read into a new file and moved the damaged one aside".*?"movedTo":"([^"]+)".*?"saved":(\d+)/.exec(child.log);
    assert.ok(line, child.log);
    const saved = Number(line[2]);
    assert.ok(saved >= atLeast && saved < ROWS, `saved ${saved}`);
    assert.ok(existsSync(line[1]), `the damaged file is kept at ${line[1]}`);
    assert.ok(await waitFor(() => out() === saved), `${out()} of ${saved} handled: ${child.log}`);
    // and later messages are handled too
    const w = QueueWriter.open(join(home, 'reactor'), { hostname: 'h1' });
    w.append([{ key: 'k', subject: 'after the damage' }]);
    w.close();
    assert.ok(await waitFor(() => queueMessages(join(home, 'out')).some((m) => m.subject === 'after the damage')), child.log);
    assert.doesNotMatch(child.log, /SqliteError|\n\s+at /);
  } finally {
    await stopChild(child);
  }
}

describe('damaged queue files', () => {
  it('pages of garbage in the middle: the readable rows are salvaged into a new file, the damaged one is set aside, the reactor goes on', async () => {
    const { home, file } = filledHome();
    garble(file, 3);
    await reactorGoesOn(home, ROWS - 100);
  });

  it('a truncated file: what is left before the cut is salvaged', async () => {
    const { home, file } = filledHome();
    truncateSync(file, Math.floor(statSync(file).size / PAGE / 2) * PAGE);
    await reactorGoesOn(home, ROWS / 4);
  });

  it('queue stats and dump say in one line what is wrong with a damaged, truncated or foreign file, and exit non-zero', () => {
    const { file } = filledHome();
    const cases: Record<string, (f: string) => void> = {
      garbled: (f) => garble(f, 3),
      truncated: (f) => truncateSync(f, Math.floor(statSync(f).size / PAGE / 3) * PAGE),
      foreign: (f) => writeFileSync(f, 'this is not a database, it is a shopping list\n'.repeat(200)),
    };
    for (const [what, damage] of Object.entries(cases)) {
      const dir = join(tempDir(), 'q');
      mkdirSync(dir);
      copyFileSync(file, join(dir, 'queue.sqlite'));
      damage(join(dir, 'queue.sqlite'));
      for (const verb of ['stats', 'dump']) {
        const r = wubot(['queue', verb, dir]);
        assert.notEqual(r.status, 0, `${what} ${verb}`);
        assert.match(r.stderr, /^wubot: (cannot read the queue in|the queue in \S+ is damaged:) .*(malformed|not a database|[Pp]age|tree).*\n$/, `${what} ${verb}: ${r.stderr}`);
        assert.equal(r.stderr.split('\n').length, 2, r.stderr);
      }
    }
  });

  it('a damaged file that other processes are writing to is not salvaged from under them: no stored message is lost', async () => {
    const { home, file } = filledHome();
    const dir = join(home, 'reactor');
    // two writers that each print a line once a message is stored
    const script = (name: string) => `
      import { QueueWriter } from ${JSON.stringify(join(repoRoot, 'dist', 'runtime', 'queue', 'queue-writer.js'))};
      const w = QueueWriter.open(${JSON.stringify(dir)}, { hostname: 'h1', durability: 'normal' });
      for (let n = 0; n < 300; n++) {
        w.append([{ key: 'k', subject: '${name}-' + n }]);
        process.stdout.write(n + '\\n');
        await new Promise((r) => setTimeout(r, 5));
      }
      w.close();`;
    const writers = ['a', 'b'].map((name) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script(name)], { stdio: ['ignore', 'pipe', 'pipe'] });
      const w = { name, child, stored: -1, err: '', exited: false };
      child.stdout.on('data', (d: Buffer) => (w.stored = Number(d.toString().trim().split('\n').pop())));
      child.stderr.on('data', (d: Buffer) => (w.err += d.toString()));
      child.on('exit', () => (w.exited = true));
      return w;
    });
    try {
      assert.ok(await waitFor(() => writers.every((w) => w.stored >= 10)), writers.map((w) => w.err).join('\n'));
      garble(file, 2);
      const from = writers.map((w) => w.stored + 1);
      // a salvage tried again and again while they write
      const refusals: string[] = [];
      while (!writers.every((w) => w.exited)) {
        try {
          QueueWriter.open(dir, { hostname: 'h1' }).close();
        } catch (e) {
          refusals.push((e as Error).message);
        }
        await sleep(50);
      }
      // once they are gone the salvage goes ahead, and every message they stored after the damage is in the queue
      QueueWriter.open(dir, { hostname: 'h1' }).close();
      const subjects = new Set(queueMessages(dir).map((m) => m.subject));
      writers.forEach((w, i) => {
        for (let n = from[i]; n <= w.stored; n++) assert.ok(subjects.has(`${w.name}-${n}`), `${w.name}-${n} (stored) is lost; ${w.err}`);
      });
      assert.ok(refusals.length > 0, 'the salvage was never refused');
      assert.match(refusals[0], /^queue file \S+ is damaged \(.*\) but another process has it open; stop the other wubot processes/);
    } finally {
      for (const w of writers) w.child.kill('SIGKILL');
    }
  });
});
