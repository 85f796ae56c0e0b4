import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile, type Compilation, type CompileOptions } from '../compiler/compile.js';
import { toJavaScript } from '../compiler/emit/transpile.js';
import { createRuntime } from '../runtime/host.js';
import { interpret } from '../runtime/interpret.js';
import { asMessage } from '../runtime/message.js';
import type { CompiledModule, Logger, Message, Pipeline } from '../runtime/pipeline-api.js';

/** repoRoot is the checkout, two levels above the compiled test file. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** tempDir makes a fresh directory for one test. */
export function tempDir(prefix = 'wubot-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** compileText compiles rule-file text given as if read from `path`. */
export function compileText(text: string, options: CompileOptions = {}, path = 'rules.yaml'): Compilation {
  return compile(path, { ...options, text });
}

/** importCompiled loads an emitted module without writing a file. */
export async function importCompiled(code: string): Promise<CompiledModule> {
  const js = toJavaScript(code);
  return (await import(`data:text/javascript;base64,${Buffer.from(js).toString('base64')}`)) as CompiledModule;
}

/** Pipelines are the three ways of running one tree that must agree. */
export interface Pipelines {
  interpreted: Pipeline;
  optimized: Pipeline;
  literal: Pipeline;
}

/** pipelinesFor compiles a rule file both ways and interprets it, on host `h`. */
export async function pipelinesFor(text: string, hostname = 'h'): Promise<Pipelines> {
  const opt = compileText(text);
  const lit = compileText(text, { optimize: false });
  if (!opt.code || !lit.code) throw new Error(`does not compile: ${opt.diagnostics.map((d) => d.message).join('; ')}`);
  const rt = createRuntime({ hostname });
  return {
    interpreted: interpret(opt.tree!, rt),
    optimized: (await importCompiled(opt.code)).default(rt),
    literal: (await importCompiled(lit.code)).default(rt),
  };
}

/** runOn runs a pipeline on a copy of a message and returns the result as plain JSON data. */
export function runOn(p: Pipeline, m: Message): unknown {
  const copy = asMessage(structuredClone(m))!;
  let error: string | undefined;
  try {
    p(copy);
  } catch (e) {
    error = (e as Error).message;
  }
  return { message: JSON.parse(JSON.stringify(copy)) as unknown, error };
}

/** memoryLog is a Logger that keeps its lines, for tests to read. */
export function memoryLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const add = (level: string) => (msg: string, fields?: Record<string, unknown>) => lines.push(`${level} ${msg} ${JSON.stringify(fields ?? {})}`);
  return { lines, info: add('info'), warn: add('warn'), error: add('error') };
}
