import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { lintFile } from '../compiler/lint.js';
import { MAX_CONFIG_BYTES } from '../runtime/config-file.js';
import { QueueWriter } from '../runtime/queue/queue-writer.js';
import { monitorPlugins } from '../stdlib/monitors/index.js';
import { repoRoot, tempDir } from './helpers.js';

const bin = (name: string) => join(repoRoot, 'dist', 'bin', `${name}.js`);
const run = (name: string, args: string[]) => spawnSync(process.execPath, [bin(name), ...args], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, WUBOTC_CACHE: tempDir() } });
const STACK = /\n\s+at |node:internal|Unhandled/;

/** piped runs a command into `head -1` and gives what it wrote on stderr and its status. */
function piped(cmd: string[]): { stderr: string; status: number } {
  const r = spawnSync('sh', ['-c', '"$@" | head -1 >/dev/null', 'sh', ...cmd], { encoding: 'utf8', timeout: 30_000 });
  return { stderr: r.stderr, status: r.status ?? -1 };
}

describe('hostile files and pipes', () => {
  it('every CLI ends quietly when its output pipe closes (| head -1)', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'many.yaml'), 'rules:\n' + Array.from({ length: 3000 }, (_, i) => `  - name: r${i}\n    condition: load => ${i}\n`).join(''));
    const q = join(dir, 'q');
    const w = QueueWriter.open(q, { hostname: 'h' });
    w.append(Array.from({ length: 3000 }, (_, i) => ({ subject: `m${i}`, pad: 'x'.repeat(100) })));
    w.close();
    for (const cmd of [
      [process.execPath, bin('wubotc'), 'lint', '--format', 'json', join(dir, 'many.yaml')],
      [process.execPath, bin('wubotc'), 'lint', join(dir, 'many.yaml')],
      [process.execPath, bin('wubot'), 'queue', 'dump', q],
    ]) {
      const r = piped(cmd);
      assert.equal(r.stderr, '', `${cmd.slice(1).join(' ')}: ${r.stderr}`);
    }
  });

  it('a rulesfile that is a device, a FIFO, a directory or too large is a diagnostic at its line, never a hang', () => {
    const dir = tempDir();
    execFileSync('mkfifo', [join(dir, 'fifo.yaml')]);
    mkdirSync(join(dir, 'sub.yaml'));
    writeFileSync(join(dir, 'big.yaml'), '');
    truncateSync(join(dir, 'big.yaml'), MAX_CONFIG_BYTES + 1);
    const targets = ['/dev/zero', 'fifo.yaml', 'sub.yaml', 'big.yaml', 'missing.yaml'];
    writeFileSync(join(dir, 'rules.yaml'), 'rules:\n' + targets.map((t, i) => `  - name: r${i}\n    rulesfile: ${t}\n`).join(''));
    const r = run('wubotc', ['lint', join(dir, 'rules.yaml')]);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    for (const [i, why] of ['not a regular file', 'not a regular file', 'a directory', 'larger than 16 MiB', 'ENOENT'].entries()) {
      assert.match(r.stdout, new RegExp(`rules\\.yaml:${3 + 2 * i}:16: error WB1006: cannot read rulesfile .*${why}`), r.stdout);
    }
    assert.doesNotMatch(r.stdout + r.stderr, STACK);
    // and the file lint is given, the same way
    const top = run('wubotc', ['lint', '/dev/zero']);
    assert.equal(top.status, 1);
    assert.match(top.stdout, /\/dev\/zero:1:1: error WB1006: cannot read `\/dev\/zero`: not a regular file/);
  });

  it('a file nested past MAX_NESTING is one diagnostic, whichever reader reads it and however deep, never a stack overflow', () => {
    const dir = tempDir();
    const flowMap = (n: number) => `rules:\n  - name: a\n    plugin: SetField\n    config: { field: x, value: ${'{ a: '.repeat(n)}1${' }'.repeat(n)} }\n`;
    const flowRules = (n: number) => `rules: ${'[ { name: x, rules: '.repeat(n)}[]${' } ]'.repeat(n)}\n`;
    const blockMap = (n: number) => `rules:\n  - name: a\n    plugin: SetField\n    config:\n      field: x\n      value:\n${Array.from({ length: n }, (_, i) => `${' '.repeat(8 + 2 * i)}k${i}:`).join('\n')} 1\n`;
    const lint = (text: string) => {
      const file = join(dir, 'deep.yaml');
      writeFileSync(file, text);
      const r = run('wubotc', ['lint', file]);
      assert.doesNotMatch(r.stderr + r.stdout, STACK);
      return { status: r.status, out: r.stdout + r.stderr };
    };
    // the fast reader's style (flow and block mappings), the full reader's (flow lists), and deeper than the YAML library's own recursion
    for (const text of [flowMap(260), blockMap(260), flowRules(150), flowMap(20_000), flowRules(20_000)]) {
      const r = lint(text);
      assert.equal(r.status, 1, r.out);
      assert.match(r.out, /deep\.yaml:\d+:\d+: error WB1001: mappings and lists nest more than 200 levels deep here/);
      assert.equal(r.out.match(/error WB/g)?.length, 1, r.out);
    }
    for (const text of [flowMap(150), blockMap(150), flowRules(60)]) assert.equal(lint(text).status, 0, text.slice(0, 200));
  });

  it('lint gives diagnostics, never a crash, for any rule file or instance file (fuzzed)', () => {
    const piece = fc.constantFrom(
      'rules:', '  - name: a', '    condition: x equals 1', '    condition: ( a is true', '    condition: load => 5', '    plugin: SetField', '    config: { field: f, value: 1 }',
      '    config: { set: { a: 1 }', '    rulesfile: /dev/zero', '    rulesfile: missing.yaml', '    rules:', '      - name: b', '    last_rule: 1', 'react:', 'delay: soon', 'delay: 5m',
      'password: hunter2-fuzz', 'pasword hunter2-fuzz', '{ a: 1, password: hunter2-fuzz, b: [ }', '&a [*a, *a]', '*undefined', '!!binary xx', '? complex', '- - -', '"unterminated', "'x", '\t', '  ', '#', '---', '...', '%YAML 1.1',
      'constructor: 1', '__proto__: { polluted: 1 }', 'toString: x', '  condition: NOT NOT NOT', '    condition: subject matches (?<=x)y', '    condition: a matches [', 'url: http://u:p@h/?token=t',
    );
    const text = fc.oneof(fc.array(piece, { maxLength: 14 }).map((l) => l.join('\n') + '\n'), fc.string({ maxLength: 200 }));
    const kinds = [undefined, ...monitorPlugins.keys()];
    fc.assert(
      fc.property(text, fc.constantFrom(...kinds), (t, instanceOf) => {
        const diags = lintFile({ path: join(tempDir(), 'f.yaml'), instanceOf }, t);
        assert.ok(Array.isArray(diags));
        assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype is untouched');
      }),
      { numRuns: 300 },
    );
  });
});
