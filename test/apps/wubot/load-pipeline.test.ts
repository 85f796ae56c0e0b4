import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadPipeline, type LoadedPipeline } from '../../../apps/wubot/load-pipeline.js';
import type { Message } from '../../../runtime/pipeline-api.js';
import { memoryLog, tempDir } from '../../helpers.js';

function loaded(r: LoadedPipeline): Extract<LoadedPipeline, { ok: true }> {
  assert.ok(r.ok, r.ok ? '' : r.report);
  return r;
}

describe('compiled rule trees in the cache', () => {
  it('are reused while no file of the tree changed, and rebuilt when one did', async () => {
    const dir = tempDir();
    const cacheDir = join(dir, 'cache');
    const main = join(dir, 'main.yaml');
    const inc = join(dir, 'inc.yaml');
    writeFileSync(main, 'rules:\n  - name: inc\n    rulesfile: inc.yaml\n');
    writeFileSync(inc, 'rules:\n  - name: a\n    plugin: SetField\n    config: { field: v, value: 1 }\n');
    const opts = { hostname: 'h', home: dir, cacheDir, log: memoryLog() };
    const first = loaded(await loadPipeline(main, opts));
    const second = loaded(await loadPipeline(main, opts));
    assert.equal(first.fromCache, false);
    assert.equal(second.fromCache, true);
    assert.deepEqual(second.files.sort(), [inc, main].sort());
    writeFileSync(inc, 'rules:\n  - name: a\n    plugin: SetField\n    config: { field: v, value: 2 }\n');
    const third = loaded(await loadPipeline(main, opts));
    assert.equal(third.fromCache, false);
    const m: Message = {};
    third.pipeline(m);
    assert.equal(m.v, 2);
  });

  it('give the rendered diagnostics when the tree has errors, and warnings when it compiles', async () => {
    const dir = tempDir();
    const file = join(dir, 'r.yaml');
    writeFileSync(file, 'rules:\n  - condition: x is true\n');
    const ok = loaded(await loadPipeline(file, { hostname: 'h', home: dir, cacheDir: join(dir, 'c') }));
    assert.match(ok.report, /warning WB3007: rule has no name/);
    writeFileSync(file, 'rules:\n  - name: bad\n    condition: x matches (x\n');
    const bad = await loadPipeline(file, { hostname: 'h', home: dir, cacheDir: join(dir, 'c') });
    assert.equal(bad.ok, false);
    assert.match(bad.ok ? '' : bad.report, /r\.yaml:3:26: error WB3002/);
  });
});
