import type { Logger } from '../pipeline-api.js';
import { ChannelWorker, type WorkerOptions } from './channel-worker.js';
import type { ChannelSpec } from './outbox-item.js';

/*
 * Channels declare their outboxes when a rule tree is loaded (in any process
 * that loads one: `wubotc run`, tests); only the reactor daemon delivers,
 * through Deliveries. A declaration is replaced by the next load's, and
 * withdrawn only by the instance that made it, so a reload that closes the
 * old tree after loading the new one keeps the channel.
 */

const declared = new Map<string, { spec: ChannelSpec; token: object }>();

/** declareChannel registers an outbox and how to deliver it; the returned function withdraws this declaration. */
export function declareChannel(spec: ChannelSpec, log: Logger): () => void {
  const before = declared.get(spec.dir);
  if (before && before.spec.plugin !== spec.plugin) {
    log.warn('two channels share one outbox; the later one delivers it', { outbox: spec.dir, channels: [before.spec.plugin, spec.plugin] });
  }
  const token = {};
  declared.set(spec.dir, { spec, token });
  return () => {
    if (declared.get(spec.dir)?.token === token) declared.delete(spec.dir);
  };
}

/**
 * Deliveries runs one worker per declared outbox, in the reactor daemon's
 * process. They share its thread with the rules, so while the reactor has a
 * backlog each worker starts at most one delivery per batch the reactor
 * handles: a storm's notifications wait a few batches instead of slowing
 * the rules (a delivery costs about as much as a few hundred messages).
 */
export class Deliveries {
  private readonly workers = new Map<string, ChannelWorker>();
  private backlog = false;
  private turn?: { promise: Promise<void>; open: () => void };
  private readonly opts: WorkerOptions;

  constructor(opts: Omit<WorkerOptions, 'turn'>) {
    this.opts = { ...opts, turn: () => this.wait() };
  }

  /** batchDone says the reactor handled a batch, and whether more are waiting. */
  batchDone(backlog: boolean): void {
    this.backlog = backlog;
    const t = this.turn;
    this.turn = undefined;
    t?.open();
  }

  private wait(): Promise<void> | undefined {
    if (!this.backlog) return undefined;
    if (!this.turn) {
      let open!: () => void;
      const promise = new Promise<void>((r) => (open = r));
      this.turn = { promise, open };
    }
    return this.turn.promise;
  }

  /** sync starts workers for new outboxes, gives running ones their reloaded config and stops those no longer declared. */
  sync(): void {
    for (const [dir, { spec }] of declared) {
      const w = this.workers.get(dir);
      if (w) w.update(spec);
      else this.workers.set(dir, new ChannelWorker(spec, this.opts));
    }
    for (const [dir, w] of this.workers) {
      if (!declared.has(dir)) {
        void w.close();
        this.workers.delete(dir);
      }
    }
  }

  /** worker gives the running worker of an outbox (tests, figures). */
  worker(dir: string): ChannelWorker | undefined {
    return this.workers.get(dir);
  }

  async close(): Promise<void> {
    this.batchDone(false);
    await Promise.all([...this.workers.values()].map((w) => w.close()));
    this.workers.clear();
  }
}

