import { reactorPlugins } from '../../stdlib/index.js';
import type { PluginDef } from '../../stdlib/plugin.js';
import { createLogger } from '../../runtime/log.js';
import { perlRegex } from '../../runtime/perl-matcher.js';
import { RegexTimeout } from '../../runtime/regex-backtrack.js';
import { rulelog } from '../../runtime/rulelog.js';
import type { Logger, Message, PipelineRuntime, PluginContext, PluginInstance } from '../../runtime/pipeline-api.js';

/** HostOptions say where a pipeline runs. */
export interface HostOptions {
  readonly hostname: string;
  readonly home?: string;
  readonly baseDir?: string;
  readonly log?: Logger;
  readonly plugins?: ReadonlyMap<string, PluginDef>;
}

/** PluginError is a plugin's failure on a message, with the rule it ran for. */
export class PluginError extends Error {
  constructor(
    readonly rule: string,
    readonly plugin: string,
    override readonly cause: unknown,
  ) {
    super(`rule ${JSON.stringify(rule)} (${plugin}): ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/** HostRuntime is a PipelineRuntime that also reaches every plugin instance it made. */
export interface HostRuntime extends PipelineRuntime {
  /** flush calls flush on every plugin instance, in creation order. */
  flush(): void;
  /** close closes every plugin instance. */
  close(): void;
  /** monitor collects the messages of every plugin instance that has a monitor(). */
  monitor(): Message[];
}

/** createRuntime builds the runtime that compiled modules and the interpreter run against. */
export function createRuntime(opts: HostOptions): HostRuntime {
  const instances: PluginInstance[] = [];
  const plugins = opts.plugins ?? reactorPlugins;
  const ctx: PluginContext = {
    hostname: opts.hostname,
    home: opts.home ?? process.env.WUBOT_HOME ?? `${process.env.HOME ?? '.'}/wubot`,
    baseDir: opts.baseDir ?? process.cwd(),
    log: opts.log ?? createLogger(),
  };
  return {
    hostname: opts.hostname,
    plugin(name, config, rule) {
      const def = plugins.get(name);
      if (!def) throw new Error(`unknown plugin ${name}`);
      const instance = def.create(config as Record<string, unknown>, ctx);
      instances.push(instance);
      const react = instance.react.bind(instance);
      instance.react = (m) => {
        try {
          react(m);
        } catch (e) {
          throw new PluginError(rule, name, e);
        }
      };
      return instance;
    },
    regex(source, icase, rule) {
      const re = perlRegex(source, { icase });
      if (!re.backtrack) return re;
      return {
        test(s) {
          try {
            return re.test(s);
          } catch (e) {
            throw e instanceof RegexTimeout ? new PluginError(rule, 'condition', e) : e;
          }
        },
      };
    },
    rulelog,
    flush() {
      for (const i of instances) i.flush?.();
    },
    close() {
      for (const i of instances) i.close?.();
    },
    monitor() {
      return instances.flatMap((i) => i.monitor?.() ?? []);
    },
  };
}
