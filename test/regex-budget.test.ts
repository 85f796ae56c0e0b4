import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { QueueWriter } from '../runtime/queue/queue-writer.js';
import { queueMessages, repoRoot, startDaemon, stopChild, tempDir, waitFor } from './helpers.js';

/*
 * Issue 14 item 1: regexes from configs run in bounded time. Patterns RE2
 * can express answer at once however they nest; a pattern only a
 * backtracking engine runs is stopped at the reactor's time budget and its
 * message dead-lettered with the rule name, and the queue goes on, also
 * after SIGKILL; SIGTERM stops a reactor stuck in one.
 */

const RULES = `rules:
  - name: nested quantifier
    condition: subject matches (a+)+$
    plugin: SetField
    config: { field: nested, value: 1 }
  - name: strip xy
    plugin: TransformField
    config: { source_field: body, regexp_search: '(x+x+)+y', regexp_replace: Z }
  - name: backreference
    condition: poison matches ^(a+)+\\1$
    plugin: SetField
    config: { field: backref, value: 1 }
  - name: forward
    plugin: MessageQueue
    config: { directory: forward }
`;

function home(): string {
  const h = tempDir('wubot-regex-');
  mkdirSync(join(h, 'config'), { recursive: true });
  writeFileSync(join(h, 'config', 'reactor.yaml'), RULES);
  return h;
}

function push(h: string, messages: Record<string, unknown>[]): void {
  const w = QueueWriter.open(join(h, 'reactor'), { hostname: 'h1' });
  w.append(messages);
  w.close();
}

function dead(h: string): { n: number; rule: string; error: string }[] {
  const db = new Database(join(h, 'reactor', 'queue.sqlite'), { readonly: true });
  try {
    const rows = db.prepare('SELECT data, rule, error FROM message_queue_dead ORDER BY id').all() as { data: string; rule: string; error: string }[];
    return rows.map((r) => ({ n: (JSON.parse(r.data) as { n: number }).n, rule: r.rule, error: r.error }));
  } finally {
    db.close();
  }
}

const forwarded = (h: string): unknown[] => queueMessages(join(h, 'forward')).map((m) => m.n);
const POISON = 'a'.repeat(40) + 'b';

describe('regexes in bounded time (a reactor daemon)', () => {
  it('answers nested quantifiers at once, dead-letters a runaway backreference with its rule, and goes on', async () => {
    const h = home();
    const reactor = await startDaemon('reactor', h, 'h1', ['--budget', '500']);
    try {
      push(h, [{ n: 1, subject: 'a'.repeat(30_000) + 'b', body: 'x'.repeat(30_000) }, { n: 2, poison: POISON }, { n: 3, subject: 'aaa', body: 'xxy' }]);
      assert.ok(await waitFor(() => forwarded(h).length === 2 && dead(h).length === 1), reactor.log);
    } finally {
      await stopChild(reactor);
    }
    const out = queueMessages(join(h, 'forward'));
    assert.deepEqual(
      out.map((m) => [m.n, m.nested, m.body === 'x'.repeat(30_000) ? 'unchanged' : m.body]),
      [
        [1, undefined, 'unchanged'],
        [3, 1, 'Z'],
      ],
    );
    const [d] = dead(h);
    assert.equal(d.n, 2);
    assert.equal(d.rule, 'backreference');
    assert.match(d.error, /time budget of 500 ms/);
    assert.match(reactor.log, /ran past the time budget/);
  });

  it('does not block the queue for good after SIGKILL during a runaway match', async () => {
    const h = home();
    let reactor = await startDaemon('reactor', h, 'h1', ['--budget', '2000']);
    push(h, [{ n: 1, poison: POISON }, { n: 2, subject: 'x' }]);
    // killed while it waits for the runaway match (or before: either way the message is claimed again)
    await waitFor(() => false, 300);
    await stopChild(reactor, 'SIGKILL');
    reactor = await startDaemon('reactor', h, 'h1', ['--budget', '300']);
    try {
      assert.ok(await waitFor(() => forwarded(h).length === 1 && dead(h).length === 1), reactor.log);
    } finally {
      await stopChild(reactor);
    }
    assert.deepEqual(forwarded(h), [2]);
    assert.equal(dead(h)[0].rule, 'backreference');
  });

  it('stops within seconds of SIGTERM while messages with runaway matches wait', async () => {
    const h = home();
    const reactor = await startDaemon('reactor', h, 'h1');
    push(h, Array.from({ length: 20 }, (_, i) => ({ n: i, poison: POISON })));
    assert.ok(await waitFor(() => reactor.log.includes('ran past the time budget')), reactor.log);
    const t0 = Date.now();
    await stopChild(reactor);
    const took = Date.now() - t0;
    assert.equal(reactor.exitCode, 0, reactor.log);
    // one budget (1 s by default) at most, plus the process's own exit
    assert.ok(took < 10_000, `stopped after ${took} ms`);
    assert.ok(dead(h).length < 20, 'it stopped before the end of the batch');
  });

  it('wubotc lint warns where a pattern needs the backtracking engine, and why', () => {
    const h = home();
    const r = (() => {
      try {
        return execFileSync(process.execPath, [join(repoRoot, 'dist', 'bin', 'wubotc.js'), 'lint', join(h, 'config', 'reactor.yaml')], { encoding: 'utf8' });
      } catch (e) {
        return (e as { stdout: string }).stdout;
      }
    })();
    assert.match(r, /reactor\.yaml:10:37: warning WB3008: regex `\^\(a\+\)\+\\1\$` may take unbounded time: a backreference needs a backtracking engine/);
    assert.doesNotMatch(r, /\(a\+\)\+\$` may take/);
    assert.doesNotMatch(r, /x\+x\+/);
  });
});
