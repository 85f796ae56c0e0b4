import type { Logger, Message } from '../runtime/pipeline-api.js';
import type { AppendOptions } from '../runtime/queue/queue-writer.js';
import type { ConfigProblem, JsonSchema } from './plugin.js';

/** CheckResult is what one check of a monitor instance gives: messages, the new cache, a new delay. */
export interface CheckResult {
  readonly react?: Message | Message[];
  readonly cache?: Record<string, unknown>;
  /** delay: seconds until the next check, replacing the configured delay once. */
  readonly delay?: number;
}

/** MonitorContext is what a monitor instance may use from its host. */
export interface MonitorContext {
  readonly hostname: string;
  readonly home: string;
  /** key is the instance's key, `<Plugin>-<name>`. */
  readonly key: string;
  readonly log: Logger;
  /**
   * emit queues messages at any time, for plugins that receive them as they
   * come (XMPP): they are decorated and go through the instance's rules as
   * a check's messages do. It returns once they are stored, together with
   * `opts.cursor` when given (in the same transaction): where the plugin's
   * source stands once these messages are safe; `opts.from` names the peer
   * they came from, whose ids are kept apart from every other sender's.
   */
  emit(messages: Message[], opts?: AppendOptions): void;
  /** readCursor gives a cursor stored with earlier emits; absent where nothing is stored (a one-off `wubot check`). */
  readCursor?(name: string): string | undefined;
}

/** MonitorInstance is one configured monitor. */
export interface MonitorInstance {
  /**
   * check runs once per delay with the instance's cache; a thrown error
   * becomes a CRITICAL message. `signal` aborts when the check timed out:
   * a plugin stops what it started (a child process, a request).
   */
  check(cache: Record<string, unknown>, signal: AbortSignal): CheckResult | Promise<CheckResult>;
  /**
   * reads names the queue directory (absolute) that check drains, if any:
   * a write to it brings the next check forward, so what is queued goes on
   * at once rather than at the next delay.
   */
  readonly reads?: string;
  /** close ends what the instance holds open; the monitor waits for it, and still queues what it emits meanwhile. */
  close?(): void | Promise<void>;
}

/**
 * InstanceLink is what a monitor instance links its host to (XMPP): the
 * account it logs in as (what it receives goes through its `react:` rules),
 * the queue directory it names, and the account it sends that queue to.
 * The loop check reads it.
 */
export interface InstanceLink {
  readonly account?: string;
  /** queue: the directory as written (an absolute path to a `reactor` queue also tells where the wubot home is) */
  readonly queue?: string;
  /** user: the account `queue` is sent to (none: the instance only receives) */
  readonly user?: string;
}

/** MonitorPluginDef defines a monitor plugin as data plus its code. */
export interface MonitorPluginDef<C = Record<string, unknown>> {
  readonly name: string;
  readonly summary: string;
  readonly docs: string;
  /** schema of the plugin's own keys; the generic keys (delay, rand, timeout, enabled, react) are added. */
  readonly schema: JsonSchema;
  /** decorateConfig: copy the instance's keys onto messages as `config.*` (default true; XMPP does not, as the original 0.5). */
  readonly decorateConfig?: boolean;
  check?(config: C): ConfigProblem[];
  /** link: what an instance links to, read from its config as written (not yet checked against the schema) */
  link?(config: Record<string, unknown>): InstanceLink;
  create(config: C, ctx: MonitorContext): MonitorInstance;
}

/** defineMonitor keeps the config type of a monitor definition while storing it untyped. */
export function defineMonitor<C>(def: MonitorPluginDef<C>): MonitorPluginDef {
  return def as unknown as MonitorPluginDef;
}

/** genericKeys are the instance keys every monitor plugin has. */
export const genericKeys: Record<string, JsonSchema> = {
  delay: { type: ['string', 'number'], description: 'time between checks: 30, 5s, 15m, 1h30m, 2d (default 1m)' },
  rand: { type: ['string', 'number'], description: 'up to this much random time is added to each delay' },
  timeout: { type: ['string', 'number'], description: 'a check running longer fails (default 30s)' },
  enabled: { description: 'when present and false, the instance does not run' },
  react: { $ref: '#/$defs/ruleList', description: 'rules run on each message before it is queued' },
};
