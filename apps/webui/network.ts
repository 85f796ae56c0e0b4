import { instance, type Viz } from '@viz-js/viz';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { renderText } from '../../compiler/diagnostics/render.js';
import { analyze } from '../../compiler/loops/analyze.js';
import { hopText, incompleteNote, loopsDiagnostics, toDot } from '../../compiler/loops/report.js';
import { topology, treeHosts } from '../../compiler/loops/topology.js';

/** Network is the picture of a config tree's hosts, queues and forwarding, with the loops check-loops finds. */
export interface Network {
  readonly hosts: string[];
  /** svg is the picture, drawn by Graphviz from `wubotc check-loops --format dot`'s graph. */
  readonly svg: string;
  readonly loops: { verdict: 'error' | 'warning'; path: string; hops: string[] }[];
  /** report is what `wubotc check-loops` prints for the same tree. */
  readonly report: string;
  /** unread: config files the check could not read (left out of it) */
  readonly unread: number;
  /** incomplete: why the check may have missed loops, when it stopped at its bound */
  readonly incomplete?: string;
}

let viz: Promise<Viz> | undefined;

/** fingerprint changes when a file of the tree is added, removed or changed. */
function fingerprint(dir: string): string {
  const parts: string[] = [];
  const walk = (d: string, depth: number) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (depth < 3) walk(p, depth + 1);
      } else {
        const s = statSync(p, { throwIfNoEntry: false });
        if (s) parts.push(`${p}:${s.size}:${s.mtimeMs}`);
      }
    }
  };
  walk(dir, 0);
  return parts.sort().join('\n');
}

/**
 * NetworkView draws a config tree's network, again only when a file of the
 * tree changed (the analysis of a large tree takes a second).
 */
export class NetworkView {
  private cached: { print: string; network: Network } | undefined;

  constructor(private readonly configDir: string) {}

  async network(): Promise<Network | undefined> {
    if (!existsSync(this.configDir)) return undefined;
    const print = fingerprint(this.configDir);
    if (this.cached?.print === print) return this.cached.network;
    const hosts = treeHosts(this.configDir);
    const topo = topology(new Map(hosts.map((h) => [h, this.configDir])));
    const result = analyze(topo);
    const dot = toDot(result, topo.hosts.map((h) => ({ host: h.host, queue: h.reactorQueue })));
    viz ??= instance();
    const svg = (await viz).renderString(dot, { format: 'svg' });
    const network: Network = {
      hosts,
      // the picture scales to the page: its own width and height would fix its size
      svg: svg.slice(svg.indexOf('<svg')).replace(/<svg width="[^"]*" height="[^"]*"/, '<svg class="network"'),
      loops: result.loops.map((l) => ({ verdict: l.verdict, path: l.hosts.join(' → '), hops: l.hops.map(hopText) })),
      report: renderText([...topo.problems, ...loopsDiagnostics(result)]),
      unread: new Set(topo.problems.map((d) => d.primary.span.file.path)).size,
      incomplete: incompleteNote(result),
    };
    this.cached = { print, network };
    return network;
  }
}
