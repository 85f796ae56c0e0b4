import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compile } from '../compiler/compile.js';
import { codes } from '../grammar/diagnostics/codes.js';
import { renderText } from '../compiler/diagnostics/render.js';
import { analyze } from '../compiler/loops/analyze.js';
import { loopsDiagnostics } from '../compiler/loops/report.js';
import { topology, treeHosts } from '../compiler/loops/topology.js';
import { repoRoot } from './helpers.js';

/*
 * Golden cases: test/cases/<area>/<case>/input.yaml with the expected
 * rendered diagnostics (expected.txt) and, for emit cases, the expected
 * module (expected.ts); test/cases/instances/<Plugin>-<case>/input.yaml is
 * an instance file of that monitor plugin; test/cases/loops/<case>/config/
 * is a config tree of several hosts with what check-loops reports on it.
 * Every diagnostic code has at least one case. UPDATE_GOLDEN=1 rewrites
 * the expected files.
 */
const update = process.env.UPDATE_GOLDEN === '1';
process.chdir(repoRoot);

function compare(file: string, actual: string): void {
  if (update) writeFileSync(file, actual);
  else if (!existsSync(file)) assert.fail(`${file} is missing; create it with UPDATE_GOLDEN=1 and review it`);
  else assert.equal(actual, readFileSync(file, 'utf8'), `${file} differs; rerun with UPDATE_GOLDEN=1 and review the diff`);
}

for (const area of ['diagnostics', 'emit', 'instances']) {
  describe(`golden ${area}`, () => {
    const dir = join('test', 'cases', area);
    for (const name of readdirSync(dir).sort()) {
      it(name, () => {
        const input = join(dir, name, 'input.yaml');
        const c = compile(input, { until: area === 'emit' ? 'emit' : 'check', ...(area === 'instances' ? { instanceOf: name.split('-')[0] } : {}) });
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

describe('golden coverage', () => {
  it('shows every diagnostic code in at least one case', () => {
    const shown = new Set<string>();
    for (const area of ['diagnostics', 'emit', 'instances', 'loops']) {
      const dir = join('test', 'cases', area);
      for (const name of readdirSync(dir)) {
        for (const code of readFileSync(join(dir, name, 'expected.txt'), 'utf8').match(/\bWB\d{4}\b/g) ?? []) shown.add(code);
      }
    }
    const missing = Object.values(codes).map((c) => c.code).filter((c) => !shown.has(c));
    assert.deepEqual(missing, [], `no golden case shows ${missing.join(', ')}: add one under test/cases/`);
  });
});
