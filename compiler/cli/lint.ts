import { existsSync } from 'node:fs';
import { compile } from '../compile.js';
import { hasErrors, type Diagnostic } from '../diagnostics/diagnostic.js';
import { renderText, toJson } from '../diagnostics/render.js';
import { ruleFilesIn } from '../rule-files.js';

/** lintCommand prints the diagnostics of rule files, as text or JSON. */
export function lintCommand(paths: string[], flags: Record<string, string | boolean | undefined>): number {
  const format = (flags.format as string | undefined) ?? 'text';
  if (paths.length === 0 || (format !== 'text' && format !== 'json')) {
    process.stderr.write('usage: wubotc lint <paths…> [--format text|json]\n');
    return 2;
  }
  const diags: Diagnostic[] = [];
  for (const p of paths) {
    if (!existsSync(p)) {
      process.stderr.write(`wubotc: ${p}: no such file or directory\n`);
      return 2;
    }
    for (const file of ruleFilesIn(p)) diags.push(...compile(file, { emit: false }).diagnostics);
  }
  if (format === 'json') process.stdout.write(JSON.stringify(toJson(diags), null, 2) + '\n');
  else if (diags.length) process.stdout.write(renderText(diags) + '\n');
  return hasErrors(diags) ? 1 : 0;
}
