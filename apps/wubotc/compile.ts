import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { compile } from '../../compiler/compile.js';
import { hasErrors, type Diagnostic } from '../../grammar/diagnostics/diagnostic.js';
import { renderText } from '../../compiler/diagnostics/render.js';
import { ruleFilesIn } from '../../compiler/rule-files.js';
import { typeCheck } from '../../compiler/emit/typecheck.js';

function moduleName(file: string): string {
  return basename(file).replace(/\.ya?ml/, '').replace(/[^A-Za-z0-9_.-]/g, '_') + '.ts';
}

/** compileCommand writes one TypeScript module per rule tree, or prints the diagnostics. */
export function compileCommand(args: string[], flags: Record<string, string | boolean | undefined>): number {
  const [target] = args;
  const out = flags.out as string | undefined;
  if (!target || args.length > 1) {
    process.stderr.write('usage: wubotc compile <file|config-root> [--out DIR] [--no-optimize] [--check]\n');
    return 2;
  }
  if (!existsSync(target)) {
    process.stderr.write(`wubotc: ${target}: no such file or directory\n`);
    return 2;
  }
  if (!out && statSync(target).isDirectory()) {
    process.stderr.write('wubotc: compiling a config root needs --out DIR\n');
    return 2;
  }
  const files = ruleFilesIn(target);
  const diags: Diagnostic[] = [];
  const modules: [string, string][] = [];
  for (const f of files) {
    const c = compile(f, { optimize: !flags['no-optimize'] });
    diags.push(...c.diagnostics);
    if (c.code) modules.push([f, c.code]);
  }
  if (diags.length) process.stderr.write(renderText(diags) + '\n');
  if (hasErrors(diags)) return 1;
  if (flags.check) {
    // the modules against this wubot's pipeline types, as tsc --strict would check them
    const problems = typeCheck(modules.map(([f, code]) => ({ name: out ? join(out, moduleName(f)) : `${f} (module)`, code })));
    if (problems.length) {
      process.stderr.write(problems.join('\n') + '\n');
      return 1;
    }
  }
  if (!out) {
    process.stdout.write(modules[0][1]);
    return 0;
  }
  mkdirSync(out, { recursive: true });
  for (const [f, code] of modules) {
    const dest = join(out, moduleName(f));
    writeFileSync(dest, code);
    process.stderr.write(`${f} → ${dest}\n`);
  }
  return 0;
}
