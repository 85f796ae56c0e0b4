import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { typeCheck } from '../../../compiler/emit/typecheck.js';
import { Code, code, lit, name } from '../../../grammar/code.js';
import type { Message } from '../../../runtime/pipeline-api.js';
import { realisticMessages, realisticTree } from '../../../bench/realistic.js';
import { createRuntime } from '../../../apps/wubot/host.js';
import type { CompiledModule } from '../../../runtime/pipeline-api.js';
import { compileText, importCompiled, pipelinesFor, repoRoot, runOn } from '../../helpers.js';

/** typeErrors type-checks emitted modules as `tsc --strict --noEmit` would. */
function typeErrors(codes: string[]): string[] {
  return typeCheck(codes.map((code, i) => ({ name: `m${i}.ts`, code })));
}

const examplePath = join(repoRoot, 'examples', 'config', 'reactor.yaml');
const example = readFileSync(examplePath, 'utf8');
const hostile = readFileSync(join(repoRoot, 'test', 'cases', 'emit', 'hostile', 'input.yaml'), 'utf8');

describe('emitted modules', () => {
  it('pass tsc --strict, optimized and not', () => {
    const codes = [example, hostile].flatMap((t) => [compileText(t, {}, examplePath).code!, compileText(t, { optimize: false }, examplePath).code!]);
    assert.deepEqual(typeErrors(codes), []);
  });

  it('fail the type check when broken, so the check above can fail', () => {
    const errors = typeErrors([compileText(example, {}, examplePath).code!.replace('return run;', 'return 42;')]);
    assert.equal(errors.length, 1);
    assert.match(errors[0], /^m0\.ts:\d+:\d+: Type 'number' is not assignable/);
  });

  it('are deterministic', () => {
    assert.equal(compileText(example, {}, examplePath).code, compileText(example, {}, examplePath).code);
    assert.equal(compileText(hostile, { optimize: false }).code, compileText(hostile, { optimize: false }).code);
  });

  it('keep hostile YAML text as data', async () => {
    const g = globalThis as { pwned?: unknown };
    delete g.pwned;
    const p = await pipelinesFor(hostile);
    const messages: Message[] = [
      { subject: '"); globalThis.pwned = 1; (" `${1}` */' },
      { x: 'a" + (globalThis.pwned = 1) + "' },
      { subject: '`', constructor: 'a"); globalThis.pwned = 1; //b' },
    ];
    for (const m of messages) {
      const a = runOn(p.interpreted, m);
      assert.deepEqual(runOn(p.optimized, m), a);
      assert.deepEqual(runOn(p.literal, m), a);
    }
    assert.equal(g.pwned, undefined);
    const out = runOn(p.optimized, messages[0]) as { message: Record<string, unknown> };
    assert.equal(out.message['"]; globalThis.pwned = 1; //'], '`${globalThis.pwned = 1}`');
    assert.equal(out.message['__proto__'], '</script>\u2028');
    const third = runOn(p.optimized, messages[2]) as { message: Record<string, unknown> };
    // the original puts the replacement text in as it is; only `$1` and `\\1` are replaced afterwards
    assert.equal(third.message.constructor, 'a${1}`b');
  });
});

describe('fields the tests read again', () => {
  it('are read once, and again after a rule changed them', async () => {
    const text = JSON.stringify({
      rules: [
        { name: 'r1', condition: 'a equals foo', plugin: 'SetField', config: { field: 'a', value: 'bar' } },
        { name: 'r2', condition: 'a matches ^b', plugin: 'SetField', config: { field: 'z', value: 1 } },
        { name: 'r3', condition: 'n > 1', plugin: 'CopyField', config: { source_field: 'a', target_field: 'n' } },
        { name: 'r4', condition: 'n < 5 OR a matches r$', plugin: 'DeleteField', config: { field: 'a' } },
        { name: 'r5', condition: 'a matches .', plugin: 'SetField', config: { field: 'y', value: 1 } },
      ],
    });
    const code = compileText(text).code!;
    // each of `a` as text and `n` as a number is kept in a slot of its own
    assert.match(code, /let f0: string \| undefined \| null = null, f1: number \| undefined \| null = null;/);
    const p = await pipelinesFor(text);
    for (const m of [{ a: 'foo', n: 3 }, { a: 'foo', n: '2' }, { a: 'bar', n: 0 }, { n: 7 }, { a: 'foo' }]) {
      const want = runOn(p.interpreted, m);
      assert.deepEqual(runOn(p.optimized, m), want, JSON.stringify(m));
    }
    assert.deepEqual(runOn(p.optimized, { a: 'foo', n: 3 }).message, { n: 'bar', z: 1, wubot_rulelog: ['h:r1', 'h:r2', 'h:r3', 'h:r4'] });
  });
});

describe('field plugins done in place', () => {
  it('keep hostile field names, tables and templates as data, as the plugins do', async () => {
    const text = readFileSync(join(repoRoot, 'test', 'fixtures', 'hostile-field-plugins.yaml'), 'utf8');
    const p = await pipelinesFor(text);
    for (const m of [{ s: '__proto__' }, { s: 'constructor' }, { s: 'a"b', 'x\u2028': 'p, q' }, { s: 'toString' }]) {
      const want = runOn(p.interpreted, m);
      assert.deepEqual(runOn(p.optimized, m), want, JSON.stringify(m));
      assert.deepEqual(runOn(p.literal, m), want, JSON.stringify(m));
    }
    assert.deepEqual(runOn(p.optimized, { s: 'a"b', 'x\u2028': 'p, q' }).message['z*/'], 'p " */ `x` a"b');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe('the JavaScript module the cache keeps', () => {
  it('is the TypeScript module without its types: it does what the transpiled one does', async () => {
    const rt = createRuntime({ hostname: 'h' });
    for (const optimize of [true, false]) {
      const typed = compileText(realisticTree(), { optimize });
      const plain = compileText(realisticTree(), { optimize, language: 'js' });
      assert.ok(!/: (Message|PipelineRuntime|string|unknown)\b|import type/.test(plain.code!), 'types left in the JavaScript');
      const a = (await importCompiled(typed.code!)).default(rt);
      const b = ((await import(`data:text/javascript;base64,${Buffer.from(plain.code!).toString('base64')}`)) as CompiledModule).default(rt);
      for (const m of realisticMessages(3000)) {
        const [x, y] = [structuredClone(m), structuredClone(m)];
        a(x);
        b(y);
        assert.deepEqual(y, x);
      }
    }
  });
});

describe('lit', () => {
  it('quotes every kind of string so that it reads back as the same value', () => {
    for (const s of ['"', '`', '${x}', '*/', '\n', '\u2028', '\u2029', '\\', "'", '</script>', '\0']) {
      const code = lit(s);
      assert.ok(!code.includes('\u2028') && !code.includes('\u2029') && !code.includes('\n'));
      assert.equal(new Function(`return ${code};`)(), s);
    }
  });

  it('keeps __proto__ an ordinary key of objects', () => {
    const v = new Function(`return ${lit(JSON.parse('{"__proto__": {"polluted": 1}}'))};`)() as object;
    assert.deepEqual(Object.keys(v), ['__proto__']);
    assert.equal((v as { polluted?: unknown }).polluted, undefined);
  });

  it('writes numbers JSON cannot', () => {
    assert.equal(lit(Infinity), 'Infinity');
    assert.equal(lit(NaN), 'NaN');
    assert.equal(lit(-0), '-0');
  });
});

describe('code', () => {
  it('quotes every value in a template that is not itself code', () => {
    const field = '"]; process.exit(1); m["';
    const c = code`m[${field}] === ${name('t', 0)} && ${code`x`} && ${3} && ${{ a: 1 }}`;
    assert.equal(c.toString(), `m[${lit(field)}] === t0 && x && 3 && ${lit({ a: 1 })}`);
    assert.deepEqual(new Function('m', 't0', 'x', `return ${c}`)({ [field]: 1 }, 1, true), { a: 1 });
  });

  it('makes code and names only by its own functions', () => {
    assert.throws(() => new Code(Symbol('code') as never, 'x'), /made outside code\.ts/);
    assert.throws(() => name('a-b'), /bad identifier/);
  });
});
