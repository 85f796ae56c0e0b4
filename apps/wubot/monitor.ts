import { statSync } from 'node:fs';
import { readConfigFile } from '../../runtime/config-file.js';
import { join } from 'node:path';
import { perlYamlData } from '../../grammar/yaml-source.js';
import { closest } from '../../grammar/diagnostics/suggest.js';
import { perlScalars } from '../../compiler/stages/plugin-config.js';
import type { MonitorInstance, MonitorPluginDef } from '../../stdlib/monitor-plugin.js';
import { monitorPlugins } from '../../stdlib/monitors/index.js';
import { hostConfig, type InstanceFile } from '../../runtime/config-tree.js';
import type { HostRuntime } from './host.js';
import { loadPipeline } from './load-pipeline.js';
import { DEFAULT_BUDGET_MS, withTimeBudget } from '../../runtime/regex-backtrack.js';
import { cachePath, readCache, writeCache } from './monitor-cache.js';
import { truthy } from '../../grammar/perl-values.js';
import type { Logger, Message, Pipeline } from '../../runtime/pipeline-api.js';
import { QueueWake } from '../../runtime/queue/queue-wake.js';
import { QueueWriter, type AppendOptions } from '../../runtime/queue/queue-writer.js';
import { isSecretKey, redact, redactText, redactUrl, rememberSecrets } from '../../runtime/secrets.js';
import { parseTimeLength } from '../../grammar/time-length.js';

/** MonitorOptions say which host's monitor runs, from which home. */
export interface MonitorOptions {
  readonly home: string;
  readonly hostname: string;
  readonly log: Logger;
}

/** Instance is a loaded monitor instance with its schedule settings and cache. */
export interface Instance {
  readonly file: InstanceFile;
  readonly def: MonitorPluginDef;
  readonly config: Record<string, unknown>;
  readonly instance: MonitorInstance;
  readonly pipeline: Pipeline;
  readonly runtime: HostRuntime;
  readonly delay: number;
  readonly rand: number;
  readonly timeout: number;
  cache: Record<string, unknown>;
  timer?: NodeJS.Timeout;
}

/**
 * decorate gives a monitor's message what the original adds: `config.<k>`
 * for each of the instance's keys but `react` (and `config.plugin`, the
 * plugin's Perl class), replacing what was there, as the original does;
 * then `plugin`, `key` and `lastupdate`, each only when missing. A `delay`
 * written with units is copied in seconds, as the original's monitor
 * rewrites it. Secrets are never copied: no key that names one, and no
 * credentials inside a value (`user:pass@` in a URL, `?token=`). Without
 * `config` (XMPP, as in the original) no `config.*` is added.
 */
export function decorate(m: Message, file: InstanceFile, config: Record<string, unknown> | undefined, now = Date.now()): Message {
  const keys = config && { ...config, plugin: `App::Wubot::Plugin::${file.plugin}` };
  for (const [k, v] of Object.entries(keys ?? {})) {
    if (k === 'react' || isSecretKey(k)) continue;
    const seconds = k === 'delay' && typeof v === 'string' && /[A-Za-z]/.test(v) ? parseTimeLength(v) : undefined;
    m[`config.${k}`] = seconds ?? redact(v);
  }
  if (!truthy(m.plugin)) m.plugin = `App::Wubot::Plugin::${file.plugin}`;
  if (!truthy(m.key)) m.key = file.key;
  if (!truthy(m.lastupdate)) m.lastupdate = Math.floor(now / 1000);
  return m;
}

/** failureMessage is the CRITICAL message a failed or timed-out check becomes, as in the original. */
export function failureMessage(error: string, config: Record<string, unknown>): Message {
  const why = redactText(error);
  return { subject: `CRITICAL: ${why}`, errmsg: why, status: 'CRITICAL', color: 'red', ...(config.url ? { link: redactUrl(String(config.url)) } : {}) };
}

/** withTimeout runs a check, aborting it and failing after `seconds`, or at once when `stop` aborts. */
function withTimeout<T>(run: (signal: AbortSignal) => T | Promise<T>, seconds: number, stop?: AbortSignal): Promise<T> {
  const abort = new AbortController();
  return new Promise((resolve, reject) => {
    const halt = () => fail('the monitor is stopping');
    const settle = () => (clearTimeout(t), stop?.removeEventListener('abort', halt));
    const fail = (why: string) => {
      settle();
      abort.abort();
      reject(new Error(why));
    };
    const t = setTimeout(() => fail(`Timed out after ${seconds} seconds`), seconds * 1000);
    if (stop?.aborted) halt();
    stop?.addEventListener('abort', halt, { once: true });
    Promise.resolve()
      .then(() => run(abort.signal))
      .then(
        (v) => (settle(), resolve(v)),
        (e: unknown) => (settle(), reject(e)),
      );
  });
}

/** Sink is where an instance's messages go: printed by `wubot check`, queued by the monitor, which also keeps cursors. */
export interface Sink {
  (messages: Message[], opts?: AppendOptions): void;
  readCursor?(name: string): string | undefined;
}

/**
 * loadInstance prepares one monitor instance: its plugin, its compiled
 * `react:` rules and its cache. A broken instance is logged with its
 * diagnostics and gives undefined.
 */
export async function loadInstance(file: InstanceFile, opts: MonitorOptions, sink: Sink): Promise<Instance | undefined> {
  const { home, hostname, log } = opts;
  const def = monitorPlugins.get(file.plugin);
  if (!def) {
    const suggestion = closest(file.plugin, monitorPlugins.keys());
    log.error('unknown monitor plugin; instance not loaded', { file: file.path, plugin: file.plugin, ...(suggestion ? { hint: `did you mean ${suggestion}?` } : {}) });
    return undefined;
  }
  const loaded = await loadPipeline(file.path, { hostname, home, log, instanceOf: def.name, cacheDir: join(home, 'cache', 'wubotc') });
  if (!loaded.ok) {
    log.error('instance config has errors; instance not loaded', { file: file.path, diagnostics: loaded.report });
    return undefined;
  }
  const config = (perlYamlData(readConfigFile(file.path)) ?? {}) as Record<string, unknown>;
  rememberSecrets(config);
  if (Object.keys(config).some(isSecretKey) && (statSync(file.path).mode & 0o044) !== 0) {
    log.warn('a config file holding a password can be read by other users; make it private with chmod 600', { file: file.path });
  }
  if ('enabled' in config && !truthy(config.enabled)) {
    log.info('instance disabled', { key: file.key });
    return undefined;
  }
  let self: Instance | undefined;
  const emit = (messages: Message[], opts?: AppendOptions): void => {
    if (!self) throw new Error(`${file.key}: emit before the instance was loaded`);
    sink(prepare(self, messages, log), opts);
  };
  const readCursor = sink.readCursor?.bind(sink);
  // the plugin reads numbers written as text (`warning_load: 2.0`) as numbers, as Perl does; messages get the keys as written
  const instance = def.create(perlScalars(def.schema, config), { hostname, home, key: file.key, log, emit, ...(readCursor ? { readCursor } : {}) });
  self = {
    file,
    def,
    config,
    instance,
    pipeline: loaded.pipeline,
    runtime: loaded.runtime,
    // a Perl-false delay is the default, as in the original
    delay: (truthy(config.delay) ? parseTimeLength(config.delay) : undefined) ?? 60,
    rand: parseTimeLength(config.rand ?? 0) ?? 0,
    timeout: (truthy(config.timeout) ? parseTimeLength(config.timeout) : undefined) ?? 30,
    cache: readCache(cachePath(home, file.key), log),
  };
  return self;
}

/** prepare decorates messages, runs the instance's rules on them, and keeps those that did not set last_rule. */
function prepare(r: Instance, messages: Message[], log: Logger): Message[] {
  const out: Message[] = [];
  const config = r.def.decorateConfig === false ? undefined : r.config;
  for (const m of messages) {
    decorate(m, r.file, config);
    try {
      withTimeBudget(DEFAULT_BUDGET_MS, () => r.pipeline(m));
    } catch (e) {
      log.error('a react rule failed; the message is queued as it was', { key: r.file.key, error: (e as Error).message });
    }
    if (!truthy(m.last_rule)) out.push(m);
  }
  r.runtime.flush();
  return out;
}

/**
 * produce runs one check of an instance and returns its messages decorated
 * and through the instance's rules (without those that set last_rule), the
 * new cache, and the delay until the next check.
 */
export async function produce(r: Instance, log: Logger, stop?: AbortSignal): Promise<{ messages: Message[]; cache?: Record<string, unknown>; delay: number }> {
  let messages: Message[];
  let delay = r.delay;
  let cache: Record<string, unknown> | undefined;
  try {
    const result = await withTimeout((signal) => r.instance.check(r.cache, signal), r.timeout, stop);
    messages = result.react === undefined ? [] : Array.isArray(result.react) ? result.react : [result.react];
    cache = result.cache;
    if (typeof result.delay === 'number') delay = result.delay;
  } catch (e) {
    // a check cut short by the monitor's own stop is no failure: nothing to report, nothing to queue
    if (stop?.aborted) {
      log.info('check stopped with the monitor', { key: r.file.key });
      return { messages: [], delay };
    }
    log.warn('check failed', { key: r.file.key, error: (e as Error).message });
    messages = [failureMessage((e as Error).message, r.config)];
  }
  return { messages: prepare(r, messages, log), cache, delay };
}

/** WAKE_SPACING_MS: checks brought forward by writes to an instance's queue start at least this far apart, so a busy queue leaves time for other work. */
const WAKE_SPACING_MS = 2;

/** Follower brings an instance's check forward when the queue it reads is written. */
interface Follower {
  readonly wake: QueueWake;
  /** when the instance's last check started */
  started: number;
  checking: boolean;
  /** written while a check ran: check again soon after */
  again: boolean;
}

/**
 * Monitor runs this host's monitor instances on their schedules: each check's
 * messages are decorated, go through the instance's `react:` rules, and are
 * appended to the reactor queue; then the instance's cache is written. An
 * instance that reads a queue is also checked when that queue is written.
 */
export class Monitor {
  private readonly running: Instance[] = [];
  private readonly followers = new Map<Instance, Follower>();
  private writer?: QueueWriter;
  private stopped = false;
  private inFlight = new Set<Promise<void>>();
  /** halting aborts the checks in progress when the monitor stops, killing what they started. */
  private readonly halting = new AbortController();
  checks = 0;

  constructor(private readonly opts: MonitorOptions) {}

  /** start loads every instance this host has; a broken one is logged with its diagnostics and the others run. */
  async start(): Promise<number> {
    const { home, hostname, log } = this.opts;
    this.writer = QueueWriter.open(join(home, 'reactor'), { hostname, log });
    const tree = hostConfig(join(home, 'config'), hostname);
    // two at a time: an instance whose compiled rules are not cached starts a compiler process
    const loaded: (Instance | undefined)[] = [];
    const queue = [...tree.instances];
    const worker = async () => {
      for (let file = queue.shift(); file; file = queue.shift()) {
        const sink: Sink = (messages, opts) => {
          // after stop, nothing more is queued (an instance's last words while it closes still are)
          this.writer?.append(messages, opts);
        };
        sink.readCursor = (name) => this.writer?.cursor(name);
        loaded.push(await loadInstance(file, this.opts, sink));
      }
    };
    await Promise.all([worker(), worker()]);
    for (const r of loaded) if (r) this.running.push(r);
    this.running.sort((a, b) => a.file.key.localeCompare(b.file.key));
    for (const r of this.running) if (r.instance.reads) this.follow(r, r.instance.reads);
    for (const r of this.running) this.schedule(r, this.firstDelay(r));
    log.info('monitor started', { host: hostname, instances: this.running.map((r) => r.file.key) });
    return this.running.length;
  }

  /** firstDelay: at the cache's lastupdate plus the delay if that is still ahead, else now, plus up to `rand`. */
  private firstDelay(r: Instance): number {
    const last = Number(r.cache.lastupdate);
    const due = Number.isFinite(last) && last > 0 ? last + r.delay - Date.now() / 1000 : 0;
    return Math.max(0, due) + Math.random() * r.rand;
  }

  private schedule(r: Instance, seconds: number): void {
    if (this.stopped) return;
    clearTimeout(r.timer);
    r.timer = setTimeout(() => this.fire(r), seconds * 1000);
  }

  private fire(r: Instance): void {
    clearTimeout(r.timer);
    if (this.stopped) return;
    const p = this.runCheck(r).finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  /** soon checks an instance whose queue was written: at once, or when WAKE_SPACING_MS have passed since its last check started. */
  private soon(r: Instance, f: Follower): void {
    const wait = f.started + WAKE_SPACING_MS - Date.now();
    if (wait <= 0) this.fire(r);
    else this.schedule(r, wait / 1000);
  }

  /** follow watches the queue an instance reads, and brings its check forward at each write (one check at a time, WAKE_SPACING_MS apart). */
  private follow(r: Instance, dir: string): void {
    let wake: QueueWake;
    try {
      wake = new QueueWake(dir);
    } catch (e) {
      this.opts.log.warn('cannot watch the queue an instance reads; it is read at each check only', { key: r.file.key, directory: dir, error: (e as Error).message });
      return;
    }
    if (!wake.watching) this.opts.log.warn('cannot watch the queue an instance reads for writes from other processes', { key: r.file.key, directory: dir });
    const f: Follower = { wake, started: 0, checking: false, again: false };
    this.followers.set(r, f);
    void (async () => {
      while ((await wake.wait()) === 'written') {
        if (f.checking) f.again = true;
        else this.soon(r, f);
      }
    })();
  }

  /** runCheck runs one check of an instance and queues what it produced, then writes its cache. */
  async runCheck(r: Instance): Promise<void> {
    const f = this.followers.get(r);
    if (f) Object.assign(f, { started: Date.now(), checking: true, again: false });
    const { messages, cache, delay } = await produce(r, this.opts.log, this.halting.signal);
    if (f) f.checking = false;
    this.checks++;
    if (this.stopped) return;
    if (messages.length) this.writer!.append(messages);
    if (cache) {
      r.cache = cache;
      writeCache(cachePath(this.opts.home, r.file.key), cache);
    }
    if (f?.again) this.soon(r, f);
    else this.schedule(r, delay + Math.random() * r.rand);
  }

  /** stop cancels the schedule and aborts the checks in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const r of this.running) clearTimeout(r.timer);
    this.halting.abort();
    for (const f of this.followers.values()) f.wake.close();
    await Promise.allSettled([...this.inFlight]);
    await Promise.allSettled(this.running.map((r) => r.instance.close?.()));
    for (const r of this.running) r.runtime.close();
    this.writer?.close();
    this.writer = undefined;
  }
}
