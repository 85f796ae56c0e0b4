import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { compile } from '../compiler/compile.js';
import type { Diagnostic } from '../grammar/diagnostics/diagnostic.js';
import { createRuntime } from '../apps/wubot/host.js';
import { asMessage } from '../runtime/message.js';
import { str } from '../grammar/perl-values.js';
import type { Message, Pipeline } from '../runtime/pipeline-api.js';
import { importCompiled, repoRoot, tempDir } from './helpers.js';

/*
 * The conformance kit's vectors (test/conformance/*.jsonl), whose answers
 * were recorded by running the original wubot (App::Wubot 0.5.0, its rule
 * files loaded by YAML::XS), judged as the kit's check.py judges them but in
 * this process: conditions as one tree of `zzcase` selectors, each reactor
 * tree compiled and run on its messages in order, every value compared by
 * its Perl text. The disagreements known today are listed in
 * known-disagreements.json; a new one fails. UPDATE_CONFORMANCE=1 rewrites
 * the list (review what it adds); CONFORMANCE_DUMP=FILE writes every
 * disagreement with its tree, message and both answers.
 */
const dir = join(repoRoot, 'test', 'conformance');
const knownFile = join(dir, 'known-disagreements.json');
const update = process.env.UPDATE_CONFORMANCE === '1';
const HOST = 'HOST';

interface ConditionCase {
  area: string;
  id: number;
  condition: string;
  message: Message;
  expected: boolean | 'error';
}

interface ReactorCase {
  area: string;
  id: number;
  rules: string;
  messages: Message[];
  files?: Record<string, string>;
  expected?: Record<string, unknown>[] | null;
}

function jsonl<T>(name: string): T[] {
  return readFileSync(join(dir, name), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

/** perlText is a JSON value as the Perl value's text, as check.py compares them. */
function perlText(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean' || typeof v === 'number') return str(v);
  if (Array.isArray(v)) return v.map(perlText);
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, perlText(x)]));
  return v;
}

/** Tally counts agreement per area and keeps the disagreements by key. */
class Tally {
  readonly areas = new Map<string, { agree: number; total: number; refused: number }>();
  readonly disagree = new Map<string, string>();

  add(area: string, key: string, agree: boolean, refused: boolean, detail: () => string): void {
    let a = this.areas.get(area);
    if (!a) this.areas.set(area, (a = { agree: 0, total: 0, refused: 0 }));
    a.total++;
    if (refused) a.refused++;
    if (agree) a.agree++;
    else this.disagree.set(key, detail());
  }

  report(t: TestContext, title: string): void {
    t.diagnostic(`${title}:`);
    for (const [area, a] of this.areas) {
      const refused = a.refused ? `, ${a.refused} refused by the compiler` : '';
      t.diagnostic(`  ${area.padEnd(12)} ${String(a.agree).padStart(6)}/${String(a.total).padEnd(6)} ${((100 * a.agree) / a.total).toFixed(2).padStart(6)}%${refused}`);
    }
  }
}

function errorsOf(diags: readonly Diagnostic[]): Diagnostic[] {
  return diags.filter((d) => d.severity === 'error');
}

/** runAll runs messages in order through one pipeline as `wubotc run` does: a failure is reported, the message still comes out. */
function runAll(p: Pipeline, messages: readonly Message[]): { out: unknown; failed: boolean }[] {
  return messages.map((raw) => {
    const m = asMessage(structuredClone(raw))!;
    let failed = false;
    try {
      p(m);
    } catch {
      failed = true;
    }
    return { out: JSON.parse(JSON.stringify(m)) as unknown, failed };
  });
}

async function pipelineOf(path: string, text: string): Promise<{ pipeline?: Pipeline; refusal?: string }> {
  const c = compile(path, { text });
  const errors = errorsOf(c.diagnostics);
  if (errors.length || !c.code) return { refusal: errors.map((d) => `${d.code} ${d.message}`)[0] ?? 'no code' };
  const mod = await importCompiled(c.code);
  return { pipeline: mod.default(createRuntime({ hostname: HOST, baseDir: dirname(path), home: dirname(path) })) };
}

/** conditionTree is check.py's tree: a selector rule per condition, and the line of each condition. */
function conditionTree(conds: readonly [number, string][]): { text: string; lineOf: Map<number, number> } {
  const lines = ['rules:'];
  const lineOf = new Map<number, number>();
  for (const [id, c] of conds) {
    lines.push(`  - name: s${id}`, `    condition: "zzcase equals c${id}"`, '    rules:', `      - name: c${id}`);
    lineOf.set(lines.length + 1, id);
    lines.push(`        condition: ${JSON.stringify(c)}`, '        plugin: SetField', '        config: {field: zzhit, value: 1}');
  }
  return { text: lines.join('\n') + '\n', lineOf };
}

async function conditions(work: string): Promise<Tally> {
  const rows = jsonl<ConditionCase>('conditions.jsonl');
  const conds = new Map<number, string>();
  for (const r of rows) if (!conds.has(r.id)) conds.set(r.id, r.condition);
  const refused = new Map<number, string>();
  const path = join(work, 'conditions.yaml');
  let pipeline: Pipeline | undefined;
  for (let round = 0; round < 5 && !pipeline; round++) {
    const { text, lineOf } = conditionTree([...conds].filter(([id]) => !refused.has(id)));
    const c = compile(path, { text });
    const errors = errorsOf(c.diagnostics);
    if (!errors.length && c.code) {
      pipeline = (await importCompiled(c.code)).default(createRuntime({ hostname: HOST, home: work }));
      break;
    }
    const lines = [...lineOf.keys()];
    for (const d of errors) {
      const line = d.primary.span.file.position(d.primary.span.start).line + 1;
      const at = lines.filter((l) => l <= line).pop();
      const id = at === undefined ? undefined : lineOf.get(at);
      if (id !== undefined && !refused.has(id)) refused.set(id, `${d.code} ${d.message}`);
    }
  }
  assert.ok(pipeline, 'the conditions tree does not compile once the refused conditions are out');
  const tally = new Tally();
  const seen = new Map<number, number>();
  for (const r of rows) {
    const n = seen.get(r.id) ?? 0;
    seen.set(r.id, n + 1);
    const refusal = refused.get(r.id);
    let ours: boolean | 'refused' | 'failed' = 'refused';
    if (refusal === undefined) {
      const [res] = runAll(pipeline, [{ ...r.message, zzcase: `c${r.id}` }]);
      ours = res.failed ? 'failed' : Boolean((res.out as Message).zzhit);
    }
    const agree = r.expected === 'error' ? ours === 'refused' || ours === 'failed' : ours === r.expected;
    tally.add(r.area, `conditions:${r.id}:${n}`, agree, refusal !== undefined, () =>
      `[${r.area}] ${JSON.stringify(r.condition)} on ${JSON.stringify(r.message)}: original ${String(r.expected)}, ours ${String(ours)}${refusal ? ` (${refusal})` : ''}`,
    );
  }
  return tally;
}

async function reactor(work: string): Promise<Tally> {
  const tally = new Tally();
  for (const c of jsonl<ReactorCase>('reactor.jsonl')) {
    const d = join(work, `tree-${c.id}`);
    mkdirSync(d, { recursive: true });
    for (const [name, text] of Object.entries(c.files ?? {})) {
      mkdirSync(dirname(join(d, name)), { recursive: true });
      writeFileSync(join(d, name), text);
    }
    const path = join(d, 'rules.yaml');
    writeFileSync(path, c.rules);
    const { pipeline, refusal } = await pipelineOf(path, c.rules);
    const results = pipeline ? runAll(pipeline, c.messages) : [];
    c.messages.forEach((m, i) => {
      const want = c.expected?.[i];
      const got = results[i];
      let agree: boolean;
      if (!c.expected) agree = !pipeline;
      else if (!got) agree = false;
      else if (want && '__error' in want && Object.keys(want).length === 1) agree = got.failed;
      else agree = !got.failed && JSON.stringify(sortKeys(perlText(got.out))) === JSON.stringify(sortKeys(perlText(want)));
      tally.add(c.area, `reactor:${c.id}:${i}`, agree, !pipeline, () =>
        `[${c.area}] tree ${c.id} on ${JSON.stringify(m)}: original ${JSON.stringify(want ?? 'load error')}, ours ${got ? JSON.stringify(got.out) : `refused (${refusal})`}\n${c.rules}`,
      );
    });
  }
  return tally;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}

describe('conformance with the original wubot (the kit\'s vectors)', () => {
  it('agrees on every case but the known disagreements', async (t) => {
    const work = tempDir('wubot-conformance-');
    const parts = { conditions: await conditions(work), reactor: await reactor(work) };
    parts.conditions.report(t, 'conditions (one case = one condition on one message)');
    parts.reactor.report(t, 'reactor (one case = one message after one rule tree)');
    const all = new Map([...parts.conditions.disagree, ...parts.reactor.disagree]);
    const total = (p: Tally): number => [...p.areas.values()].reduce((s, a) => s + a.total, 0);
    t.diagnostic(
      `conformance: conditions ${total(parts.conditions) - parts.conditions.disagree.size}/${total(parts.conditions)}, reactor messages ${total(parts.reactor) - parts.reactor.disagree.size}/${total(parts.reactor)}`,
    );
    if (process.env.CONFORMANCE_DUMP) writeFileSync(process.env.CONFORMANCE_DUMP, [...all].map(([k, v]) => `${k}: ${v}`).join('\n\n') + '\n');
    if (update) {
      writeFileSync(knownFile, JSON.stringify([...all.keys()].sort(), null, 0).replace(/","/g, '",\n"') + '\n');
      return;
    }
    const known = new Set(JSON.parse(readFileSync(knownFile, 'utf8')) as string[]);
    const fixed = [...known].filter((k) => !all.has(k));
    if (fixed.length) t.diagnostic(`${fixed.length} known disagreements now agree: run with UPDATE_CONFORMANCE=1 to take them off the list`);
    const fresh = [...all].filter(([k]) => !known.has(k));
    assert.equal(fresh.length, 0, `${fresh.length} new disagreements with the original:\n${fresh.slice(0, 10).map(([k, v]) => `${k}: ${v}`).join('\n\n')}`);
  });
});
