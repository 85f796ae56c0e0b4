import { statSync } from 'node:fs';
import { reactorFile } from '../../runtime/config-tree.js';
import { join } from 'node:path';
import { PluginError, type HostRuntime } from './host.js';
import { Deliveries } from '../../runtime/channels/deliveries.js';
import { loadPipeline } from './load-pipeline.js';
import type { Logger, Message, Pipeline } from '../../runtime/pipeline-api.js';
import { QueueReader, type Claimed } from '../../runtime/queue/queue-reader.js';
import { QueueWake } from '../../runtime/queue/queue-wake.js';
import { QueueWriter } from '../../runtime/queue/queue-writer.js';
import { DEFAULT_BUDGET_MS, RegexTimeout, withTimeBudget } from '../../runtime/regex-backtrack.js';

/** ReactorOptions say which host's reactor runs, from which home. */
export interface ReactorOptions {
  readonly home: string;
  readonly hostname: string;
  readonly log: Logger;
  /** batch: messages handled per transaction (default 200). */
  readonly batch?: number;
  /** idleMs: how often an empty queue is polled when writers in other processes cannot wake the reactor (default 100 ms). */
  readonly idleMs?: number;
  /** fallbackMs: how often an empty queue is polled anyway while they can, in case a wake-up was missed (default 1000 ms). */
  readonly fallbackMs?: number;
  /** watchMs: how often config files are checked for changes (default 1000 ms). */
  readonly watchMs?: number;
  /** monitorMs: how often plugins' monitor() runs (default 15 s). */
  readonly monitorMs?: number;
  /** quietMs: after this long without a message, the reactor says so (default 120 s). */
  readonly quietMs?: number;
  /**
   * budgetMs: how long the rules may run on one message (default 1000 ms).
   * Only a regex that needs the backtracking engine can run long, and it is
   * stopped there: the message goes to the dead-letter table with the rule.
   */
  readonly budgetMs?: number;
  /** burstWaitMs: how long deliveries wait for a backlog to end (default BURST_WAIT_MS, runtime/channels/deliveries.ts). */
  readonly burstWaitMs?: number;
}

interface Loaded {
  pipeline: Pipeline;
  runtime: HostRuntime;
  files: string[];
  signature: string;
}

function signature(files: readonly string[]): string {
  return files
    .map((f) => {
      try {
        const s = statSync(f);
        return `${f}:${s.mtimeMs}:${s.size}`;
      } catch {
        return `${f}:missing`;
      }
    })
    .join('|');
}

/**
 * Reactor runs the host's compiled rule tree over its reactor queue, in
 * order. A message is acknowledged only after its rules ran and the
 * plugins flushed; a plugin that throws sends the message to the dead-letter
 * table with the rule name. A new config replaces the running tree between
 * two batches; a config with errors is refused while the old tree runs on.
 */
export class Reactor {
  private current?: Loaded;
  private reader?: QueueReader;
  private wake?: QueueWake;
  private running = false;
  private stopWanted = false;
  private reloadWanted = false;
  private lastWatch = 0;
  private lastMonitor = Date.now();
  private lastMessage = Date.now();
  private lastPurge = Date.now();
  private selfWriter?: QueueWriter;
  /** deliveries run the channels' outboxes in this process, apart from the rules (runtime/channels/). */
  readonly deliveries: Deliveries;
  handled = 0;
  /** steps counts batches tried, empty ones included: an idle reactor must not add to it (tests). */
  steps = 0;

  constructor(private readonly opts: ReactorOptions) {
    this.deliveries = new Deliveries({ home: opts.home, hostname: opts.hostname, log: opts.log, ...(opts.burstWaitMs === undefined ? {} : { burstWaitMs: opts.burstWaitMs }) });
  }

  private get configPath(): string {
    return reactorFile(join(this.opts.home, 'config'), this.opts.hostname);
  }

  private async load(): Promise<Loaded | undefined> {
    const path = this.configPath;
    const loaded = await loadPipeline(path, {
      hostname: this.opts.hostname,
      home: this.opts.home,
      log: this.opts.log,
      cacheDir: join(this.opts.home, 'cache', 'wubotc'),
    });
    if (!loaded.ok) {
      this.opts.log.error('the reactor config has errors', { config: path, diagnostics: loaded.report });
      return undefined;
    }
    if (loaded.report) this.opts.log.warn('the reactor config has warnings', { config: path, diagnostics: loaded.report });
    return { pipeline: loaded.pipeline, runtime: loaded.runtime, files: loaded.files, signature: signature(loaded.files) };
  }

  /** start loads the config (refusing to start when it has errors) and opens the queue. */
  async start(): Promise<boolean> {
    this.current = await this.load();
    if (!this.current) return false;
    this.reader = QueueReader.open(join(this.opts.home, 'reactor'), { log: this.opts.log });
    // watched before the first claim, so no write after it goes unnoticed
    this.wake = new QueueWake(join(this.opts.home, 'reactor'));
    if (!this.wake.watching) this.opts.log.warn('cannot watch the reactor queue; polling it instead', { every_ms: this.opts.idleMs ?? 100 });
    this.selfWriter = QueueWriter.open(join(this.opts.home, 'reactor'), { hostname: this.opts.hostname, log: this.opts.log });
    this.running = !this.stopWanted;
    this.deliveries.sync();
    this.opts.log.info('reactor started', { host: this.opts.hostname, config: this.configPath });
    return true;
  }

  /** requestReload asks for the config to be reloaded between two batches (SIGHUP). */
  requestReload(): void {
    this.reloadWanted = true;
    this.wake?.notify();
  }

  private async maybeReload(): Promise<void> {
    const now = Date.now();
    if (!this.reloadWanted && now - this.lastWatch < (this.opts.watchMs ?? 1000)) return;
    this.lastWatch = now;
    const changed = this.current && signature(this.current.files) !== this.current.signature;
    if (!this.reloadWanted && !changed) return;
    this.reloadWanted = false;
    const next = await this.load();
    if (!next) {
      if (this.current) this.current.signature = signature(this.current.files);
      this.opts.log.warn('kept the running rule tree');
      return;
    }
    this.current?.runtime.close();
    this.current = next;
    this.deliveries.sync();
    this.opts.log.info('reloaded the rule tree', { config: this.configPath });
  }

  /**
   * housekeeping queues the messages of plugins' monitor() (every 15 s), and
   * a warning when no message came for a while (every 120 s of quiet), as
   * the original's timers; they go through the queue like any message. It
   * also purges acknowledged messages past their retention, hourly.
   */
  private housekeeping(now = Date.now()): void {
    const out: Message[] = [];
    if (now - this.lastMonitor >= (this.opts.monitorMs ?? 15_000)) {
      this.lastMonitor = now;
      out.push(...this.current!.runtime.monitor());
    }
    const quietMs = this.opts.quietMs ?? 120_000;
    if (now - this.lastMessage >= quietMs) {
      this.lastMessage = now;
      out.push({
        key: 'wubot-reactor',
        subject: `reactor on ${this.opts.hostname} has not received a message in ${Math.round(quietMs / 1000)}s`,
        status: 'WARNING',
        noforward: 1,
      });
    }
    if (out.length) this.selfWriter!.append(out);
    if (now - this.lastPurge >= 3_600_000) {
      this.lastPurge = now;
      const purged = this.reader!.purge(now);
      if (purged) this.opts.log.info('purged acknowledged messages past their retention', { purged });
    }
  }

  /** step handles one batch; it returns how many messages it took from the queue. */
  step(): number {
    const reader = this.reader!;
    const { pipeline, runtime } = this.current!;
    this.steps++;
    const claimed = reader.claim(this.opts.batch ?? 200);
    const done: Claimed[] = [];
    const budget = this.opts.budgetMs ?? DEFAULT_BUDGET_MS;
    const started = performance.now();
    let taken = 0;
    for (const c of claimed) {
      // a batch that has taken a budget's time ends here, so that signals (SIGTERM) are seen between batches
      if (taken > 0 && performance.now() - started >= budget) break;
      taken++;
      const m = c.message;
      if (m.key === undefined || m.key === null || m.key === '') m.key = 'wubot-reactor';
      try {
        withTimeBudget(budget, () => pipeline(m));
        done.push(c);
      } catch (e) {
        const rule = e instanceof PluginError ? e.rule : '';
        const timeout = (e instanceof PluginError ? e.cause : e) instanceof RegexTimeout;
        const what = timeout ? 'a rule ran past the time budget' : 'a rule failed';
        this.opts.log.error(`${what}; the message went to the dead-letter table`, { rule, error: (e as Error).message, id: c.uid });
        reader.deadLetter(c, rule, (e as Error).message);
      }
    }
    if (taken < claimed.length) reader.unclaim(claimed[taken]);
    runtime.flush();
    reader.ack(done);
    this.handled += done.length;
    this.deliveries.batchDone(claimed.length >= (this.opts.batch ?? 200));
    if (claimed.length) this.lastMessage = Date.now();
    this.housekeeping();
    return taken;
  }

  /** run handles batches until stop is called; between them, it waits for the queue to be written. */
  async run(): Promise<void> {
    const wake = this.wake!;
    while (this.running) {
      await this.maybeReload();
      const n = this.step();
      if (n === 0) await wake.wait(wake.watching ? (this.opts.fallbackMs ?? 1000) : (this.opts.idleMs ?? 100));
      else await new Promise((r) => setImmediate(r));
    }
  }

  /** stop ends run() after the current batch (a wait ends at once); called before start, it makes run() return at once. */
  stop(): void {
    this.stopWanted = true;
    this.running = false;
    this.wake?.close();
  }

  close(): void {
    void this.deliveries.close();
    this.wake?.close();
    this.current?.runtime.close();
    this.reader?.close();
    this.selfWriter?.close();
  }
}
