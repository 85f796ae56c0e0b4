import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../../runtime/log.js';
import { cachePath, writeCache } from './monitor-cache.js';
import { loadInstance, produce } from './monitor.js';
import { homeOf, hostnameOf, type Flags } from './command-context.js';

/** instanceFile finds `<instance>.yaml.<host>`, else `<instance>.yaml`, else any `<instance>.yaml.*` (so a disabled file can be tried). */
function instanceFile(dir: string, instance: string, host: string): string | undefined {
  for (const name of [`${instance}.yaml.${host}`, `${instance}.yaml`]) if (existsSync(join(dir, name))) return join(dir, name);
  if (!existsSync(dir)) return undefined;
  const any = readdirSync(dir)
    .filter((n) => n.startsWith(`${instance}.yaml.`))
    .sort()[0];
  return any ? join(dir, any) : undefined;
}

/** checkCommand runs one check of one instance, prints its messages as JSON Lines and keeps its cache, as wubot-check. */
export async function checkCommand(args: string[], flags: Flags): Promise<number> {
  const [plugin, instance] = args;
  if (!plugin || !instance || args.length !== 2) {
    process.stderr.write('usage: wubot check <Plugin> <instance> [--home DIR] [--hostname H]\n');
    return 2;
  }
  const home = homeOf(flags);
  const hostname = hostnameOf(flags);
  const path = instanceFile(join(home, 'config', 'plugins', plugin), instance, hostname);
  if (!path) {
    process.stderr.write(`wubot: no config/plugins/${plugin}/${instance}.yaml* under ${home}\n`);
    return 2;
  }
  const log = createLogger();
  const key = `${plugin}-${instance}`;
  const print = (messages: Record<string, unknown>[]) => {
    for (const m of messages) process.stdout.write(JSON.stringify(m) + '\n');
  };
  // Ctrl-C or SIGTERM aborts the check, which kills what it started (a Command's whole process group)
  const stop = new AbortController();
  let interrupted: NodeJS.Signals | undefined;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      interrupted = sig;
      stop.abort();
    });
  }
  const r = await loadInstance({ plugin, name: instance, key, path }, { home, hostname, log }, print);
  if (!r) return 1;
  const { messages, cache } = await produce(r, log, stop.signal);
  if (interrupted) {
    process.stderr.write(`wubot: check interrupted by ${interrupted}\n`);
    await r.instance.close?.();
    r.runtime.close();
    return interrupted === 'SIGINT' ? 130 : 143;
  }
  print(messages);
  if (cache) writeCache(cachePath(home, key), cache);
  await r.instance.close?.();
  r.runtime.close();
  return 0;
}
