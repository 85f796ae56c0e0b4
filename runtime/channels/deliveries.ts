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

/** Deliveries runs one worker per declared outbox, in the reactor daemon's process. */
export class Deliveries {
  private readonly workers = new Map<string, ChannelWorker>();

  constructor(private readonly opts: WorkerOptions) {}

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
    await Promise.all([...this.workers.values()].map((w) => w.close()));
    this.workers.clear();
  }
}

