import { join, resolve } from 'node:path';
import { exportConfig, hostFiles } from './host-files.js';
import { homeOf, hostnameOf, type Flags } from './command-context.js';

/** configCommand is `wubot config show` and `wubot config export --hostname H <dir>`. */
export function configCommand(args: string[], flags: Flags): number {
  const [verb, dest] = args;
  const configDir = join(homeOf(flags), 'config');
  const host = hostnameOf(flags);
  if (verb === 'show' && args.length === 1) {
    const { config: c, files } = hostFiles(configDir, host);
    const out = [`host ${host}, config ${configDir}`, `reactor: ${c.reactor ?? '(none)'}`, 'monitor instances:'];
    for (const i of c.instances) out.push(`  ${i.key.padEnd(28)} ${i.path}`);
    if (c.instances.length === 0) out.push('  (none)');
    const main = new Set([c.reactor, ...c.instances.map((i) => i.path)].filter((p) => p !== undefined).map((p) => resolve(p)));
    const more = files.filter((f) => !main.has(f.path));
    if (more.length) out.push('also read:');
    for (const f of more) out.push(`  ${f.path} (${f.why})`);
    if (c.ignored.length) out.push('not loaded here:');
    for (const i of c.ignored) out.push(`  ${i.path} (${i.reason})`);
    process.stdout.write(out.join('\n') + '\n');
    return 0;
  }
  if (verb === 'export' && args.length === 2 && typeof flags.hostname === 'string') {
    const { copied, outside } = exportConfig(configDir, host, dest);
    process.stderr.write(`${copied.length} files for ${host} copied to ${dest}\n`);
    for (const f of outside) process.stderr.write(`not copied, outside ${configDir}: ${f.path} (${f.why})\n`);
    return 0;
  }
  process.stderr.write('usage: wubot config show [--home DIR] [--hostname H]\n       wubot config export --hostname H <dir>\n');
  return 2;
}
