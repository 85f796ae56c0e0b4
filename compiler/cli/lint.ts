import { existsSync, statSync } from 'node:fs';
import { readConfigFile } from '../../runtime/config-file.js';
import { analyze } from '../loops/analyze.js';
import { loopsDiagnostics } from '../loops/report.js';
import { topology, treeHosts } from '../loops/topology.js';
import { compile } from '../compile.js';
import { hasErrors, type Diagnostic } from '../diagnostics/diagnostic.js';
import { renderText, toJson } from '../diagnostics/render.js';
import { configDir, configFilesIn, type ConfigFile } from '../rule-files.js';
import type { RuleTree } from '../rule-tree.js';
import { diagnostic } from '../diagnostics/diagnostic.js';
import { SourceFile, span } from '../diagnostics/source.js';
import { closest } from '../diagnostics/suggest.js';
import { monitorPlugins } from '../../stdlib/monitors/index.js';
import { webuiShape } from '../schema/webui-schema.js';
import { loadRuleTree } from '../stages/load.js';

/** lintFile checks one rule file, monitor instance or web UI config, as the reactor and the monitor will load it; `text` is an editor's unsaved buffer. */
export function lintFile(file: ConfigFile, text?: string): Diagnostic[] {
  if (file.instanceOf !== undefined && !monitorPlugins.has(file.instanceOf)) {
    const suggestion = closest(file.instanceOf, monitorPlugins.keys());
    let body = text ?? '';
    try {
      body = text ?? readConfigFile(file.path);
    } catch {
      // what is wrong with the file is said by the diagnostic below; its text only gives it a line to show
    }
    const at = span(new SourceFile(file.path, body), 0, 0);
    return [
      diagnostic('unknownPlugin', at, `unknown monitor plugin \`${file.instanceOf}\` (the folder this instance is in)`, {
        hint: suggestion ? `did you mean \`${suggestion}\`?` : `the monitor plugins are ${[...monitorPlugins.keys()].sort().join(', ')}`,
      }),
    ];
  }
  if (file.webui) return loadRuleTree(file.path, text, undefined, webuiShape).diagnostics;
  return compile(file.path, { emit: false, instanceOf: file.instanceOf, text }).diagnostics;
}

/** treeLoops are the routing loops among the hosts of a config tree (its broken files are reported by lint itself). */
export function treeLoops(dir: string, known?: ReadonlyMap<string, RuleTree>): Diagnostic[] {
  return loopsDiagnostics(analyze(topology(new Map(treeHosts(dir).map((h) => [h, dir])), undefined, known)));
}

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
