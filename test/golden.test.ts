import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compile } from '../compiler/compile.js';
import { renderText } from '../compiler/diagnostics/render.js';
import { analyze } from '../compiler/loops/analyze.js';
import { loopsDiagnostics } from '../compiler/loops/report.js';
import { topology, treeHosts } from '../compiler/loops/topology.js';
import { repoRoot } from './helpers.js';

/*
 * Golden cases: test/cases/<area>/<case>/input.yaml with the expected
 * rendered diagnostics (expected.txt) and, for emit cases, the expected
 * module (expected.ts); test/cases/loops/<case>/config/ is a config tree
 * of several hosts with what check-loops reports on it. UPDATE_GOLDEN=1
 * rewrites the expected files.
 */
const update = process.env.UPDATE_GOLDEN === '1';
process.chdir(repoRoot);

function compare(file: string, actual: string): void {
  if (update) writeFileSync(file, actual);
  else if (!existsSync(file)) assert.fail(`${file} is missing; create it with UPDATE_GOLDEN=1 and review it`);
  else assert.equal(actual, readFileSync(file, 'utf8'), `${file} differs; rerun with UPDATE_GOLDEN=1 and review the diff`);
}

for (const area of ['diagnostics', 'emit']) {
  describe(`golden ${area}`, () => {
    const dir = join('test', 'cases', area);
    for (const name of readdirSync(dir).sort()) {
      it(name, () => {
        const input = join(dir, name, 'input.yaml');
        const c = compile(input, { emit: area === 'emit' });
        compare(join(dir, name, 'expected.txt'), renderText(c.diagnostics) + '\n');
        if (area === 'emit') compare(join(dir, name, 'expected.ts'), c.code ?? '');
      });
    }
  });
}

describe('golden loops', () => {
  const dir = join('test', 'cases', 'loops');
  for (const name of readdirSync(dir).sort()) {
    it(name, () => {
      const config = join(dir, name, 'config');
      const topo = topology(new Map(treeHosts(config).map((h) => [h, config])));
      compare(join(dir, name, 'expected.txt'), renderText(loopsDiagnostics(analyze(topo))) + '\n');
    });
  }
});
