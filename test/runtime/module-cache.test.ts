import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { cacheEntry, type Manifest } from '../../runtime/module-cache.js';
import { repoRoot, tempDir } from '../helpers.js';

/*
 * A cached module imports its helpers from the build that compiled it. A
 * build copied or moved elsewhere (a new install, a new checkout) must not
 * run a module that imports from the old place, which may be gone.
 */

/** build copies the built program to a directory of its own, as an install there would have it. */
function build(dir: string): string {
  for (const layer of ['bin', 'apps', 'compiler', 'grammar', 'runtime', 'stdlib']) cpSync(join(repoRoot, 'dist', layer), join(dir, 'dist', layer), { recursive: true });
  copyFileSync(join(repoRoot, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
  return join(dir, 'dist', 'bin', 'wubotc.js');
}

describe('module cache', () => {
  it('a build in another place compiles the tree again, and its module imports from there', () => {
    const dir = tempDir();
    const [first, second] = [build(join(dir, 'first')), build(join(dir, 'second'))];
    const cache = join(dir, 'cache');
    const rules = join(dir, 'rules.yaml');
    writeFileSync(rules, 'rules:\n  - name: a\n    plugin: SetField\n    config: { field: v, value: 1 }\n');
    const run = (wubotc: string) => {
      const r = spawnSync(process.execPath, [wubotc, 'run', rules, '--hostname', 'h'], { input: '{}\n', encoding: 'utf8', env: { ...process.env, WUBOTC_CACHE: cache } });
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), { wubot_rulelog: ['h:a'], v: 1 });
      const manifest = JSON.parse(readFileSync(cacheEntry(rules, true, cache).manifestPath, 'utf8')) as Manifest;
      return { manifest, module: readFileSync(join(cache, manifest.module), 'utf8') };
    };
    const helpers = (wubotc: string) => pathToFileURL(join(wubotc, '..', '..', 'grammar', 'module-helpers.js')).href;

    const a = run(first);
    assert.ok(a.module.includes(helpers(first)), a.module.slice(0, 300));
    const b = run(second);
    assert.notEqual(b.manifest.fingerprint, a.manifest.fingerprint);
    assert.ok(b.module.includes(helpers(second)) && !b.module.includes(helpers(first)), b.module.slice(0, 300));
    // the first build gone, the second still runs the tree: from its cache, as compiled above
    rmSync(join(dir, 'first'), { recursive: true, force: true });
    const again = run(second);
    assert.deepEqual(again.manifest, b.manifest);
    rmSync(dir, { recursive: true, force: true });
  });
});
