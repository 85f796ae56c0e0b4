/*
 * The contract between compiled rule trees, the reference interpreter and
 * plugins. Emitted modules import only types from here.
 */

/** Message is a flat map of fields, as in the original wubot. */
export type Message = Record<string, unknown>;

/** Pipeline runs one rule tree over one message, changing it in place. */
export type Pipeline = (m: Message) => void;

/** Logger receives structured log lines from plugins. */
export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** PluginContext is what a plugin instance may use from its host. */
export interface PluginContext {
  readonly hostname: string;
  /** home is the wubot home directory, for plugins that keep files. */
  readonly home: string;
  /** baseDir is the directory of the rule file, for relative paths in configs. */
  readonly baseDir: string;
  readonly log: Logger;
}

/** PluginInstance is one rule's plugin with its configuration applied. */
export interface PluginInstance {
  /** react changes the message in place (field plugins) or acts on it (side-effect plugins). */
  react(m: Message): void;
  /**
   * flush completes what react deferred (such as appends to a queue, written
   * in one transaction per batch). The reactor flushes before it
   * acknowledges the batch, so nothing acknowledged is lost.
   */
  flush?(): void;
  /** monitor is called periodically by the reactor; the messages it returns go through the rules. */
  monitor?(): Message[];
  /** close releases what the instance holds (files, database handles). */
  close?(): void;
}

/** PipelineRuntime is what a compiled module needs from its host at creation. */
export interface PipelineRuntime {
  readonly hostname: string;
  /**
   * plugin creates the instance for one rule's plugin and config. An error
   * its react throws reaches the caller as a PluginError naming the rule.
   */
  plugin(name: string, config: unknown, rule: string): PluginInstance;
  /**
   * regex compiles a condition's Perl pattern (`imatches` with icase). A
   * match that runs past the time budget throws a PluginError naming `rule`.
   */
  regex(source: string, icase: boolean, rule: string): { test(s: string): boolean };
  /** rulelog appends `host:rule` to the message's wubot_rulelog list. */
  rulelog(m: Message, entry: string): void;
}

/** CompiledModule is the shape of a module emitted by the compiler. */
export interface CompiledModule {
  readonly sourceHash: string;
  default(rt: PipelineRuntime): Pipeline;
}
