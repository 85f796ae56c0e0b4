import { readConfigFile } from '../runtime/config-file.js';
import { monitorPlugins } from '../stdlib/monitors/index.js';
import { compile } from './compile.js';
import { diagnostic, type Diagnostic } from '../grammar/diagnostics/diagnostic.js';
import { SourceFile, span } from '../grammar/diagnostics/source.js';
import { closest } from '../grammar/diagnostics/suggest.js';
import { analyze } from './loops/analyze.js';
import { loopsDiagnostics } from './loops/report.js';
import { topology, treeHosts } from './loops/topology.js';
import type { ConfigFile } from './rule-files.js';
import type { RuleTree } from './rule-tree.js';
import { webuiShape } from './schema/webui-schema.js';

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
  if (file.webui) return compile(file.path, { until: 'validate', shape: webuiShape, text }).diagnostics;
  return compile(file.path, { until: 'check', instanceOf: file.instanceOf, text }).diagnostics;
}

/** treeLoops are the routing loops among the hosts of a config tree (its broken files are reported by lint itself). */
export function treeLoops(dir: string, known?: ReadonlyMap<string, RuleTree>): Diagnostic[] {
  return loopsDiagnostics(analyze(topology(new Map(treeHosts(dir).map((h) => [h, dir])), undefined, known)));
}
