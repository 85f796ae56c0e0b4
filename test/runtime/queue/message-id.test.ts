import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { newMessageId } from '../../../runtime/queue/message-id.js';
import { QueueWriter } from '../../../runtime/queue/queue-writer.js';
import { queueMessages, tempDir } from '../../helpers.js';

describe('message ids', () => {
  it('sort by creation time within a process, and cannot be guessed from the ones before', () => {
    const ids = Array.from({ length: 2000 }, () => newMessageId());
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual([...ids].sort(), ids);
    // the last 64 bits are fresh for every id: knowing the ids so far tells nothing of the next
    const tails = ids.map((id) => id.slice(-11));
    assert.equal(new Set(tails).size, tails.length);
    const next = newMessageId();
    assert.ok(!ids.some((id) => id.slice(-11) === next.slice(-11)));
  });

  it('a peer\'s ids are its own: they never suppress another sender\'s message or this host\'s', () => {
    const dir = join(tempDir(), 'reactor');
    const w = QueueWriter.open(dir, { hostname: 'h' });
    w.append([{ subject: 'local' }]);
    const [local] = queueMessages(dir);
    const taken = String(local.wubot_id);
    // a hostile peer sends a message under the id of this host's message, and under the id another peer uses
    assert.equal(w.append([{ wubot_id: taken, subject: 'from a' }], { from: 'a@example.org' }), 1);
    assert.equal(w.append([{ wubot_id: 'x1', subject: 'from a' }], { from: 'a@example.org' }), 1);
    assert.equal(w.append([{ wubot_id: 'x1', subject: 'from b' }], { from: 'b@example.org' }), 1);
    // the same peer's message again (resent after a reconnect, or read again from the archive) is a duplicate
    assert.equal(w.append([{ wubot_id: 'x1', subject: 'from a' }], { from: 'a@example.org' }), 0);
    w.close();
    assert.deepEqual(
      queueMessages(dir).map((m) => [m.subject, m.wubot_id]),
      [
        ['local', taken],
        ['from a', taken],
        ['from a', 'x1'],
        ['from b', 'x1'],
      ],
    );
  });
});
