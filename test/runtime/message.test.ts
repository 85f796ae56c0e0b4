import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asMessage } from '../../runtime/message.js';

describe('asMessage', () => {
  it('takes JSON objects only', () => {
    for (const v of [null, 1, 'x', true, [], [{}]]) assert.equal(asMessage(v), undefined, JSON.stringify(v));
    assert.deepEqual({ ...asMessage({ a: 1, b: [2] }) }, { a: 1, b: [2] });
  });

  it('a message inherits nothing: constructor, toString and __proto__ are fields like any other', () => {
    const m = asMessage(JSON.parse('{"__proto__": {"x": 1}, "constructor": 2, "subject": "s"}'))!;
    assert.deepEqual(Object.keys(m), ['__proto__', 'constructor', 'subject']);
    assert.equal(m.constructor, 2);
    for (const name of ['toString', 'hasOwnProperty', 'valueOf', 'x']) {
      assert.equal(name in m, false, name);
      assert.equal(m[name], undefined, name);
    }
    m['__proto__'] = 'now a text';
    m['toString' as string] = 'set';
    assert.equal(JSON.stringify(m), '{"__proto__":"now a text","constructor":2,"subject":"s","toString":"set"}');
    // a field written on one message is not seen by another
    assert.equal(asMessage({})!.toString, undefined);
  });
});
