import { join } from 'node:path';
import { exportConfig, hostConfig } from '../config-tree.js';
import { homeOf, hostnameOf, type Flags } from './main.js';

/** configCommand is `wubot config show` and `wubot config export --hostname H <dir>`. */
export function configCommand(args: string[], flags: Flags): number {
  const [verb, dest] = args;
  const configDir = join(homeOf(flags), 'config');
  const host = hostnameOf(flags);
  if (verb === 'show' && args.length === 1) {
    const c = hostConfig(configDir, host);
    const out = [`host ${host}, config ${configDir}`, `reactor: ${c.reactor ?? '(none)'}`, 'monitor instances:'];
    for (const i of c.instances) out.push(`  ${i.key.padEnd(28)} ${i.path}`);
    if (c.instances.length === 0) out.push('  (none)');
    if (c.ignored.length) out.push('not loaded here:');
    for (const i of c.ignored) out.push(`  ${i.path} (${i.reason})`);
    process.stdout.write(out.join('\n') + '\n');
    return 0;
  }
  if (verb === 'export' && args.length === 2 && typeof flags.hostname === 'string') {
    const copied = exportConfig(configDir, host, dest);
    process.stderr.write(`${copied.length} files for ${host} copied to ${dest}\n`);
    return 0;
  }
  process.stderr.write('usage: wubot config show [--home DIR] [--hostname H]\n       wubot config export --hostname H <dir>\n');
  return 2;
}
