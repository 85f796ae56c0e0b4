import { existsSync, statSync } from 'node:fs';
import { hasErrors, type Diagnostic } from '../../grammar/diagnostics/diagnostic.js';
import { renderText, toJson } from '../../compiler/diagnostics/render.js';
import { lintFile, treeLoops } from '../../compiler/lint.js';
import { configDir, configFilesIn } from '../../compiler/rule-files.js';

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
    for (const file of configFilesIn(p)) diags.push(...lintFile(file));
    // a whole tree: its hosts' routing loops too, at the rules that close them
    if (statSync(p).isDirectory()) diags.push(...treeLoops(configDir(p)));
  }
  if (format === 'json') process.stdout.write(JSON.stringify(toJson(diags), null, 2) + '\n');
  else if (diags.length) process.stdout.write(renderText(diags) + '\n');
  return hasErrors(diags) ? 1 : 0;
}
