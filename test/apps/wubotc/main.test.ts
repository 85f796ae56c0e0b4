import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot, tempDir } from '../../helpers.js';

const cache = tempDir('wubotc-cache-');

function wubotc(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [join(repoRoot, 'dist', 'bin', 'wubotc.js'), ...args], {
    cwd: repoRoot,
    input,
    encoding: 'utf8',
    env: { ...process.env, WUBOTC_CACHE: cache },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const example = 'examples/config/reactor.yaml';

describe('wubotc', () => {
  it('prints usage and exits 2 without a command', () => {
    const r = wubotc([]);
    assert.equal(r.code, 2);
    assert.match(r.stdout, /usage: wubotc/);
    assert.equal(wubotc(['frobnicate']).code, 2);
  });

  it('lint exits 0 on the example and 1 on errors, with file:line:col', () => {
    assert.equal(wubotc(['lint', 'examples/config']).code, 0);
    const r = wubotc(['lint', 'test/cases/diagnostics/unknown-plugin/input.yaml']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^test\/cases\/diagnostics\/unknown-plugin\/input\.yaml:3:13: error WB3001: unknown plugin `SetFeild`$/m);
    assert.match(r.stdout, /did you mean `SetField`\?/);
  });

  it('lint exits 0 with warnings only, and prints JSON for tools', () => {
    const r = wubotc(['lint', 'test/cases/diagnostics/warnings/input.yaml', '--format', 'json']);
    assert.equal(r.code, 0);
    const diags = JSON.parse(r.stdout) as { code: string; severity: string; span: { start: { line: number; col: number } } }[];
    assert.ok(diags.length > 0 && diags.every((d) => d.severity === 'warning'));
    assert.equal(diags[0].span.start.line, 3);
    assert.equal(diags[0].span.start.col, 16);
  });

  it('lint checks the monitor instances of a config root too, as the monitor loads them', () => {
    const root = tempDir();
    mkdirSync(join(root, 'config', 'plugins', 'Uptime'), { recursive: true });
    mkdirSync(join(root, 'config', 'plugins', 'Uptim'), { recursive: true });
    writeFileSync(join(root, 'config', 'reactor.yaml'), 'rules: []\n');
    writeFileSync(join(root, 'config', 'plugins', 'Uptime', 'load.yaml.web1'), 'warning_load: 4\nreact:\n  - name: x\n    condition: a matches (x\n');
    writeFileSync(join(root, 'config', 'plugins', 'Uptime', 'old.yaml.disabled'), 'bogus: 1\n');
    writeFileSync(join(root, 'config', 'plugins', 'Uptim', 'x.yaml'), 'delay: 1\n');
    const r = wubotc(['lint', root]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /load\.yaml\.web1:4:26: error WB3002: regex `\(x` does not compile/);
    assert.match(r.stdout, /Uptim\/x\.yaml:1:1: error WB3001: unknown monitor plugin `Uptim`.*\n(.*\n)*.*did you mean `Uptime`/);
    assert.doesNotMatch(r.stdout, /old\.yaml\.disabled/);
    const single = wubotc(['lint', join(root, 'config', 'plugins', 'Uptime', 'load.yaml.web1')]);
    assert.equal(single.code, 1);
  });

  it('lint rejects a missing path and a bad format with status 2', () => {
    assert.equal(wubotc(['lint', 'no/such/file.yaml']).code, 2);
    assert.equal(wubotc(['lint', example, '--format', 'xml']).code, 2);
  });

  it('compile prints a module, or writes one per rule file of a config root', () => {
    const r = wubotc(['compile', example]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /export default function createPipeline\(rt: PipelineRuntime\): Pipeline/);
    const out = tempDir();
    assert.equal(wubotc(['compile', 'examples/config', '--out', out]).code, 0);
    assert.ok(existsSync(join(out, 'reactor.ts')));
    assert.equal(wubotc(['compile', 'examples/config']).code, 2);
    assert.equal(wubotc(['compile', 'test/cases/diagnostics/regex/input.yaml']).code, 1);
  });

  it('compile --check type-checks the modules against the pipeline types', () => {
    const r = wubotc(['compile', 'examples/config', '--out', tempDir(), '--check']);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /error|TS\d/);
  });

  it('run prints one line per input line, in order', () => {
    const input = readFileSync(join(repoRoot, 'examples', 'messages.jsonl'), 'utf8');
    const r = wubotc(['run', example, '--hostname', 'central'], input);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines.length, input.trim().split('\n').length);
    assert.equal(lines[0].subject, 'web1.example.com: load is 9.12 (CRITICAL)');
    assert.ok(Array.isArray(lines[0].wubot_rulelog));
    assert.equal((lines[7].wubot_rulelog as string[]).at(-1), 'central:drop noise');
    assert.equal(lines[7].last_rule, 1);
  });

  it('run reads --input, reports bad lines on stderr and keeps the line count', () => {
    const dir = tempDir();
    const file = join(dir, 'in.jsonl');
    writeFileSync(file, '{"key":"Idle-laptop"}\nnot json\n[1]\n{"key":"DiskSpace-root","status":"OK"}');
    const r = wubotc(['run', example, '--input', file, '--hostname', 'h']);
    assert.equal(r.code, 1);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 4);
    assert.equal(lines[1], 'null');
    assert.equal(lines[2], 'null');
    assert.match(r.stderr, /input line 2: not JSON/);
    assert.match(r.stderr, /input line 3: not a JSON object/);
    assert.equal((JSON.parse(lines[3]) as { color: string }).color, 'green');
  });

  it('run exits 2 for a missing rule file or input file', () => {
    assert.equal(wubotc(['run', 'no/such.yaml'], '').code, 2);
    const r = wubotc(['run', example, '--input', 'no/such.jsonl']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no\/such\.jsonl: no such file/);
  });

  it('run refuses a rule file with errors and shows why', () => {
    const r = wubotc(['run', 'test/cases/diagnostics/regex/input.yaml'], '{}\n');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /input\.yaml:3:32: error WB3002/);
  });

  it('run recompiles when an included file changes', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'main.yaml'), 'rules:\n  - name: inc\n    rulesfile: inc.yaml\n');
    writeFileSync(join(dir, 'inc.yaml'), 'rules:\n  - name: a\n    plugin: SetField\n    config: { field: v, value: 1 }\n');
    const first = wubotc(['run', join(dir, 'main.yaml'), '--hostname', 'h'], '{}\n');
    assert.equal((JSON.parse(first.stdout) as { v: number }).v, 1);
    writeFileSync(join(dir, 'inc.yaml'), 'rules:\n  - name: a\n    plugin: SetField\n    config: { field: v, value: 2 }\n');
    const second = wubotc(['run', join(dir, 'main.yaml'), '--hostname', 'h'], '{}\n');
    assert.equal((JSON.parse(second.stdout) as { v: number }).v, 2);
  });
});
