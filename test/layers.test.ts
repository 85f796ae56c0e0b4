import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize, relative, resolve, sep } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

/*
 * The top-level folders are layers, each importing only from those below it:
 *
 *   grammar/   the language's meaning: sources and diagnostics, conditions, Perl values
 *   runtime/   queues, the XMPP link, channels' delivery, logs: what plugins run on
 *   stdlib/    the plugins
 *   compiler/  rule files to checked, optimized modules; the loop analysis
 *   apps/      the programs (wubot, wubotc, the language server, the web UI)
 *   bin/       their entry points
 *
 * test/ and bench/ sit above all of them. Inside apps/, the programs may use
 * each other as long as no two use each other.
 */
const LAYERS = ['grammar', 'runtime', 'stdlib', 'compiler', 'apps', 'bin'];
const ABOVE_ALL = ['test', 'bench'];

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Import {
  from: string;
  to: string;
  line: number;
}

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => relative(root, join(e.parentPath ?? e.path, e.name)));
}

/** importsOf lists a file's relative imports, `import type` and dynamic ones included, as paths from the root. */
function importsOf(file: string): Import[] {
  const text = readFileSync(join(root, file), 'utf8');
  const out: Import[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)(['"])(\.\.?\/[^'"]+)\1/gm)) {
    const line = text.slice(0, m.index).split('\n').length;
    out.push({ from: file, to: normalize(join(dirname(file), m[2]!)), line });
  }
  return out;
}

const top = (path: string) => path.split(sep)[0]!;
const program = (path: string) => path.split(sep)[1]!;

const all = [...LAYERS, ...ABOVE_ALL].flatMap((d) => sources(d).flatMap(importsOf));

describe('layers', () => {
  it('each folder imports only from the folders below it', () => {
    const upward = all.filter((i) => {
      const [a, b] = [top(i.from), top(i.to)];
      if (a === b || ABOVE_ALL.includes(a)) return false;
      return ABOVE_ALL.includes(b) || !LAYERS.includes(b) || LAYERS.indexOf(b) > LAYERS.indexOf(a);
    });
    assert.deepEqual(
      upward.map((i) => `${i.from}:${i.line} imports ${i.to}`),
      [],
    );
  });

  it('no two programs under apps/ import each other', () => {
    const uses = new Map<string, Set<string>>();
    for (const i of all) {
      if (top(i.from) !== 'apps' || top(i.to) !== 'apps' || program(i.from) === program(i.to)) continue;
      const set = uses.get(program(i.from)) ?? new Set();
      set.add(program(i.to));
      uses.set(program(i.from), set);
    }
    const cycle = (start: string, at: string, seen: string[]): string[] | undefined => {
      for (const next of uses.get(at) ?? []) {
        if (next === start) return [...seen, next];
        if (!seen.includes(next)) {
          const found = cycle(start, next, [...seen, next]);
          if (found) return found;
        }
      }
      return undefined;
    };
    for (const p of uses.keys()) assert.equal(cycle(p, p, [p])?.join(' → '), undefined);
  });

  it('the test of a module is found from its path: test/x/y.test.ts tests x/y.ts', () => {
    // tests at test/'s top level are of the whole: several modules, real servers and processes
    const mirrored = sources('test').filter((f) => f.endsWith('.test.ts') && f.split(sep).length > 2);
    assert.ok(mirrored.length > 40, `only ${mirrored.length} tests sit at a module's path`);
    const orphans = mirrored.filter((f) => {
      const module = relative('test', f).replace(/\.test\.ts$/, '.ts');
      return ![...LAYERS, 'bench'].includes(top(module)) || !sources(top(module)).includes(module);
    });
    assert.deepEqual(orphans, [], 'these tests sit where no module is: move them to the module they test, or to test/ if they test the whole');
  });

  it('finds the imports it checks', () => {
    // a pattern that matched nothing would pass everything above
    assert.ok(all.some((i) => i.from === join('compiler', 'compile.ts') && top(i.to) === 'grammar'));
    assert.ok(all.some((i) => i.from === join('bin', 'wubot.ts') && top(i.to) === 'apps'));
    assert.ok(all.filter((i) => top(i.from) === 'stdlib' && top(i.to) === 'runtime').length > 50);
  });
});

/*
 * What a program loads at start-up is part of its speed: `wubotc lint` reads
 * every plugin's definition, and none of the libraries plugins connect or
 * parse with (the XMPP client alone was a tenth of a lint's start-up).
 */
describe('what `wubotc lint` loads', () => {
  it('no client or parser library of a plugin', () => {
    const hook = `export async function load(url, context, next) { if (url.includes('/node_modules/')) process.stderr.write('LOADED ' + url + '\\n'); return next(url, context); }`;
    const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`;
    const dir = mkdtempSync(join(tmpdir(), 'wubot-loads-'));
    const file = join(dir, 'rules.yaml');
    writeFileSync(file, 'rules:\n  - name: one\n    condition: subject matches ^x\n    plugin: HTMLStrip\n    config: { field: body }\n');
    const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(register)}`, join(root, 'dist', 'bin', 'wubotc.js'), 'lint', file], { encoding: 'utf8' });
    rmSync(dir, { recursive: true, force: true });
    assert.equal(r.status, 0, r.stderr + r.stdout);
    const packages = new Set([...r.stderr.matchAll(/^LOADED .*\/node_modules\/((?:@[^/]+\/)?[^/]+)/gm)].map((m) => m[1]));
    // the hook sees ES modules: a pattern that saw none would pass anything
    assert.ok(packages.has('yaml'), [...packages].join(', '));
    for (const lib of ['@xmpp/client', 'fast-xml-parser', 'entities', 'nodemailer', 'irc-framework', 'dbus-next', 'chevrotain', 'ts-morph', 'hono']) {
      assert.ok(!packages.has(lib), `lint loaded ${lib}`);
    }
  });
});
