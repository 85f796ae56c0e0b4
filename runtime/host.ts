import { reactorPlugins } from '../stdlib/index.js';
import type { PluginDef } from '../stdlib/plugin.js';
import { isFalse, isTrue, num, str, truthy } from './perl-values.js';
import type { Logger, Message, PipelineRuntime, PluginContext } from './pipeline-api.js';

/** stderrLogger writes one JSON object a line to stderr. */
export const stderrLogger: Logger = {
  info: (msg, fields) => process.stderr.write(JSON.stringify({ level: 'info', msg, ...fields }) + '\n'),
  warn: (msg, fields) => process.stderr.write(JSON.stringify({ level: 'warn', msg, ...fields }) + '\n'),
  error: (msg, fields) => process.stderr.write(JSON.stringify({ level: 'error', msg, ...fields }) + '\n'),
};

/** HostOptions say where a pipeline runs. */
export interface HostOptions {
  readonly hostname: string;
  readonly home?: string;
  readonly baseDir?: string;
  readonly log?: Logger;
  readonly plugins?: ReadonlyMap<string, PluginDef>;
}

/** rulelog appends an entry to the message's wubot_rulelog list, making it a list if it is not one. */
export function rulelog(m: Message, entry: string): void {
  const log = m.wubot_rulelog;
  if (Array.isArray(log)) log.push(entry);
  else m.wubot_rulelog = [entry];
}

/** createRuntime builds the runtime that compiled modules and the interpreter run against. */
export function createRuntime(opts: HostOptions): PipelineRuntime {
  const plugins = opts.plugins ?? reactorPlugins;
  const ctx: PluginContext = {
    hostname: opts.hostname,
    home: opts.home ?? process.env.WUBOT_HOME ?? `${process.env.HOME ?? '.'}/wubot`,
    baseDir: opts.baseDir ?? process.cwd(),
    log: opts.log ?? stderrLogger,
  };
  return {
    hostname: opts.hostname,
    values: { truthy, str, num, isTrue, isFalse },
    plugin(name, config) {
      const def = plugins.get(name);
      if (!def) throw new Error(`unknown plugin ${name}`);
      return def.create(config as Record<string, unknown>, ctx);
    },
    rulelog,
  };
}
