import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { hasErrors } from '../../grammar/diagnostics/diagnostic.js';
import { renderText, toJson } from '../../compiler/diagnostics/render.js';
import { analyze } from '../../compiler/loops/analyze.js';
import { incompleteNote, loopsDiagnostics, toDot } from '../../compiler/loops/report.js';
import { configDir } from '../../compiler/rule-files.js';
import { topology, treeHosts } from '../../compiler/loops/topology.js';

const USAGE = 'usage: wubotc check-loops <config-root> [--hosts a,b,c] [--home DIR] [--format text|json|dot]\n       wubotc check-loops <host>=<config-root> … [--home DIR] [--format text|json|dot]\n';

/** checkLoopsCommand finds routing loops across the hosts of one config tree, or of one tree per host. */
export function checkLoopsCommand(args: string[], flags: Record<string, string | boolean | undefined>): number {
  const format = (flags.format as string | undefined) ?? 'text';
  if (args.length === 0 || !['text', 'json', 'dot'].includes(format)) {
    process.stderr.write(USAGE);
    return 2;
  }
  const roots = new Map<string, string>();
  if (args.every((a) => a.includes('='))) {
    for (const a of args) {
      const [host, dir] = [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)];
      roots.set(host, resolve(dir));
    }
  } else if (args.length === 1) {
    const hosts = typeof flags.hosts === 'string' ? flags.hosts.split(',').filter(Boolean) : undefined;
    const root = configDir(resolve(args[0]));
    for (const h of hosts ?? treeHosts(root)) roots.set(h, root);
  } else {
    process.stderr.write(USAGE);
    return 2;
  }
  for (const dir of new Set(roots.values())) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      process.stderr.write(`wubotc: ${dir}: not a config directory\n`);
      return 2;
    }
  }
  const topo = topology(roots, typeof flags.home === 'string' ? flags.home : undefined);
  const result = analyze(topo);
  const diags = [...topo.problems, ...loopsDiagnostics(result)];
  const note = incompleteNote(result);
  if (note) process.stderr.write(`wubotc check-loops: ${note}\n`);
  if (format === 'dot') process.stdout.write(toDot(result));
  else if (format === 'json') process.stdout.write(JSON.stringify({ hosts: [...roots.keys()], incomplete: result.incomplete, loops: result.loops.map((l) => ({ verdict: l.verdict, path: l.hosts })), diagnostics: toJson(diags) }, null, 2) + '\n');
  else {
    const text = renderText(diags);
    process.stdout.write(text ? text + '\n' : `no routing loops among ${roots.size} host${roots.size === 1 ? '' : 's'} (${[...roots.keys()].join(', ')})\n`);
  }
  return hasErrors(diags) ? 1 : 0;
}
