import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../compiler/loops/analyze.js';
import { hostsOf, topology } from '../compiler/loops/topology.js';

/** loopsTree writes a config tree of `hosts` hosts with `rules` rules each, linked in a ring, each relaying some keys. */
export function loopsTree(dir: string, hosts: number, rules: number): string {
  const config = join(dir, 'config');
  mkdirSync(join(config, 'plugins', 'XMPP'), { recursive: true });
  for (let h = 0; h < hosts; h++) {
    const lines = ['rules:'];
    for (let r = 0; r < rules - 2; r++) {
      lines.push(`  - name: rule ${r}`, `    condition: key equals Check-${r} AND load01 >= ${r % 10}`, '    plugin: SetField', `    config: { field: tag, value: t${r} }`);
    }
    lines.push('  - name: relay disks', '    condition: key matches ^Disk', '    plugin: DeleteField', '    config: { field: noforward }');
    lines.push('  - name: forward', '    condition: noforward is false', '    plugin: MessageQueue', '    config: { directory: forward }');
    writeFileSync(join(config, `reactor.yaml.h${h}`), lines.join('\n') + '\n');
    writeFileSync(join(config, 'plugins', 'XMPP', `link.yaml.h${h}`), `account: h${h}@example.org\npassword: pw\ndirectory: forward\nuser: h${(h + 1) % hosts}@example.org\n`);
  }
  return config;
}

/** loopsCheck times the whole check of a tree in this process: reading, compiling, analysing. */
export function loopsCheck(config: string): { ms: number; loops: number } {
  const t0 = performance.now();
  const topo = topology(new Map(hostsOf(config).map((h) => [h, config])));
  const { loops } = analyze(topo);
  return { ms: performance.now() - t0, loops: loops.length };
}
