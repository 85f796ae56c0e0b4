import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { AckedRanges } from '../../../runtime/queue/acked-ranges.js';

describe('acknowledged ranges', () => {
  it('agree with a plain set of ids, whatever order ranges come in, and stay merged', () => {
    const range = fc.tuple(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 6 })).map(([lo, n]) => [lo, lo + n] as const);
    fc.assert(
      fc.property(fc.array(range, { maxLength: 30 }), (ranges) => {
        const acked = new AckedRanges();
        const model = new Set<number>();
        for (const [lo, hi] of ranges) {
          acked.add(lo, hi);
          for (let i = lo; i <= hi; i++) model.add(i);
        }
        let runs = 0;
        for (let id = 0; id <= 70; id++) {
          const end = acked.endOf(id);
          assert.equal(end !== undefined, model.has(id), `id ${id}`);
          if (end !== undefined) {
            // the end is the last id of the run holding id
            assert.ok(model.has(end) && !model.has(end + 1));
            for (let k = id; k <= end; k++) assert.ok(model.has(k));
          }
          if (model.has(id) && !model.has(id - 1)) runs++;
        }
        assert.equal(acked.size, runs);
      }),
      { numRuns: 300 },
    );
  });
});
