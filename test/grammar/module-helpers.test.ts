import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KINDS } from '../../grammar/kinds/index.js';
import { HELPERS } from '../../grammar/module-helpers.js';

describe('grammar/module-helpers', () => {
  it("holds every kind of test's helpers, as the kinds define them", () => {
    for (const k of KINDS) {
      for (const [name, fn] of Object.entries(k.helpers ?? {})) assert.equal((HELPERS as Record<string, unknown>)[name], fn, `${k.kind}: ${name}`);
    }
  });

  it('names only functions, by identifiers emitted code can call', () => {
    for (const [name, fn] of Object.entries(HELPERS)) {
      assert.match(name, /^[A-Za-z_][A-Za-z0-9_]*$/);
      assert.equal(typeof fn, 'function', name);
    }
  });
});
