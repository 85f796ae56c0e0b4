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
 * BURST_WAIT_MS: while the reactor works through a backlog, deliveries wait
 * for it to end, at most this long; past it each worker starts one delivery
 * per batch. A burst of a few thousand messages is handled at the rules'
 * full speed and its notifications go out right after it (at most this much
 * later); a longer storm shares the thread batch by batch.
 */
export const BURST_WAIT_MS = 250;

/**
 * Deliveries runs one worker per declared outbox, in the reactor daemon's
 * process. They share its thread with the rules (a delivery costs about as
 * much as a few hundred messages), so they give way to a backlog: see
 * BURST_WAIT_MS.
 */
export class Deliveries {
  private readonly workers = new Map<string, ChannelWorker>();
  private backlog = false;
  /** when the first delivery began waiting for the current backlog (undefined: none waits, or no backlog) */
  private waitingSince?: number;
  private turn?: { promise: Promise<void>; open: () => void };
  private readonly opts: WorkerOptions;
  private readonly burstWaitMs: number;

  /** `burstWaitMs` replaces BURST_WAIT_MS (tests). */
  constructor({ burstWaitMs = BURST_WAIT_MS, ...opts }: Omit<WorkerOptions, 'turn'> & { readonly burstWaitMs?: number }) {
    this.opts = { ...opts, turn: () => this.wait() };
    this.burstWaitMs = burstWaitMs;
  }

  /** waiting tells whether a delivery waits for the reactor's backlog (tests). */
  get waiting(): boolean {
    return this.turn !== undefined;
  }

  /** batchDone says the reactor handled a batch, and whether more are waiting. */
  batchDone(backlog: boolean): void {
    this.backlog = backlog;
    if (!backlog) this.waitingSince = undefined;
    // within a burst's first BURST_WAIT_MS deliveries keep waiting; after it, one per batch
    else if (this.waitingSince !== undefined && performance.now() - this.waitingSince < this.burstWaitMs) return;
    const t = this.turn;
    this.turn = undefined;
    t?.open();
  }

  private wait(): Promise<void> | undefined {
    if (!this.backlog) return undefined;
    this.waitingSince ??= performance.now();
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

