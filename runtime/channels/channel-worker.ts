import { join } from 'node:path';
import type { Logger, Message } from '../pipeline-api.js';
import { QueueReader, type Claimed } from '../queue/queue-reader.js';
import { QueueWake } from '../queue/queue-wake.js';
import { QueueWriter } from '../queue/queue-writer.js';
import { redactText } from '../secrets.js';
import { DeliveryError, type ChannelSpec, type OutboxItem } from './outbox-item.js';
import { digestItem, StormTable } from './storm.js';

/** WorkerOptions: where local warnings go, and how retries are spaced. */
export interface WorkerOptions {
  readonly home: string;
  readonly hostname: string;
  readonly log: Logger;
  /** retryMaxMs caps the backoff (default 5 min). */
  readonly retryMaxMs?: number;
  /** turn, when it gives a promise, is what a delivery waits for before it starts (Deliveries). */
  readonly turn?: () => Promise<void> | undefined;
}

/**
 * CHANNEL_FAILED lists, on a channel's failure report, the channels that failed
 * on the way to it; none of them carries it, so reports between two dead
 * channels end after one round instead of looping.
 */
export const CHANNEL_FAILED = 'channel_failed';

const CLAIM = 200;
const DIGEST_MAX = 100;

/** heldFor rounds how long a digest was held the way its text says it: whole seconds, or whole minutes past a minute. */
function heldFor(ms: number): number {
  return ms > 60_000 ? Math.ceil(ms / 60_000) * 60_000 : Math.max(1, Math.ceil(ms / 1000)) * 1000;
}

interface Attempt {
  readonly claims: readonly Claimed[];
  readonly items: readonly OutboxItem[];
  readonly id: string;
  /** retryKey: the first item's id; a digest that grew while it waited keeps its backoff */
  readonly retryKey: string;
}

/**
 * ChannelWorker delivers one channel's outbox, apart from the rule tree:
 * one delivery in flight at a time, in queue order. An item is acknowledged
 * only once the provider accepted it, so a crash at any moment loses
 * nothing and sends at most the one delivery that was in flight again.
 * Failures are retried with backoff and jitter until the provider refuses
 * for good (a dead letter at once) or `giveUpMs` passed since the item was
 * queued (a dead letter and one local warning message).
 */
export class ChannelWorker {
  private readonly reader: QueueReader;
  private readonly wake: QueueWake;
  private readonly abort = new AbortController();
  private pending: Claimed[] = [];
  /** outbox: this worker's connection for the storm digests it queues when their window ended */
  private outbox?: QueueWriter;
  private failing?: { key: string; attempt: number; nextAt: number };
  private closed = false;
  private warnings?: QueueWriter;
  /** unlimited: the channel has no limit, and what was held under one it had before is out */
  private unlimited = false;
  /** delivered counts deliveries the provider accepted (a digest counts once), for tests and figures. */
  delivered = 0;
  readonly done: Promise<void>;

  constructor(
    private spec: ChannelSpec,
    private readonly opts: WorkerOptions,
  ) {
    // an acknowledgement a power cut rolls back only sends that item once more: no fsync per delivery
    this.reader = QueueReader.open(spec.dir, { log: opts.log, durability: 'normal' });
    this.wake = new QueueWake(spec.dir);
    this.done = this.run().catch((e: unknown) => {
      if (!this.closed) opts.log.error('a channel stopped delivering', { channel: spec.name, error: redactText((e as Error).message) });
    });
  }

  /** update takes a reloaded channel config; held storm digests stay held. */
  update(spec: ChannelSpec): void {
    const old = this.spec;
    this.spec = spec;
    this.unlimited = false;
    if (old.sender !== spec.sender) old.sender.close?.();
    this.wake.notify();
  }

  private async run(): Promise<void> {
    try {
      while (!this.closed) {
        const now = Date.now();
        const digestAt = this.queueDigests(now);
        if (this.pending.length < CLAIM) this.pending.push(...this.reader.claim(CLAIM));
        const next = this.next(now, digestAt);
        if (typeof next === 'number' || next === undefined) {
          await this.wake.wait(Math.max(1, Math.min(next === undefined ? 1000 : next - now, 1000)));
          continue;
        }
        if (this.failing?.key === next.retryKey && this.failing.nextAt > now) {
          await this.wake.wait(Math.min(this.failing.nextAt - now, 1000));
          continue;
        }
        const turn = this.opts.turn?.();
        if (turn) await turn;
        if (this.closed) break;
        await this.attempt(next);
      }
    } finally {
      this.wake.close();
      this.reader.close();
      this.outbox?.close();
      this.warnings?.close();
    }
  }

  /**
   * queueDigests moves the storm digests whose window ended into the outbox,
   * as ordinary items, in one transaction; it returns when the next is due.
   */
  private queueDigests(now: number): number | undefined {
    const limit = this.spec.limit;
    if (!limit && this.unlimited) return undefined;
    // moving a digest into the outbox is one transaction: a power cut that rolls it back leaves the digest held
    this.outbox ??= QueueWriter.open(this.spec.dir, { hostname: this.opts.hostname, log: this.opts.log, durability: 'normal' });
    const out = this.outbox;
    if (!limit) {
      this.unlimited = true;
      this.queueLeftovers(out);
      return undefined;
    }
    const table = StormTable.of(out.database);
    const at = table.nextDue(limit.windowMs);
    if (at === undefined || at > now) return at;
    return out.transaction(() => {
      const due = table.takeDue(now, limit.windowMs);
      if (due.length) out.append(due.map((d) => digestItem(d, limit.windowMs, this.spec.sender.render) as unknown as Message));
      return table.nextDue(limit.windowMs);
    });
  }

  /**
   * queueLeftovers moves the digests a limit held, which the channel's
   * config no longer has, into the outbox at once: each says how long it
   * was held.
   */
  private queueLeftovers(out: QueueWriter): void {
    const table = StormTable.held(out.database);
    if (!table?.nextDue(0)) return;
    out.transaction(() => {
      const now = Date.now();
      const held = table.takeDue(now, 0);
      out.append(held.map((d) => digestItem(d, heldFor(now - d.since), this.spec.sender.render) as unknown as Message));
    });
  }

  /** next picks the delivery to try now, or says when one will be due. */
  private next(now: number, wait: number | undefined): Attempt | number | undefined {
    const head = this.pending[0];
    if (!head) return wait;
    if (this.spec.digestMs > 0) {
      const at = (head.message as unknown as OutboxItem).queued_at + this.spec.digestMs;
      if (at > now && this.pending.length < DIGEST_MAX) return wait === undefined ? at : Math.min(wait, at);
      const claims = this.pending.slice(0, DIGEST_MAX);
      return { claims, items: claims.map((c) => c.message as unknown as OutboxItem), id: `${claims[0].uid}+${claims.length}`, retryKey: claims[0].uid };
    }
    return { claims: [head], items: [head.message as unknown as OutboxItem], id: head.uid, retryKey: head.uid };
  }

  private async attempt(a: Attempt): Promise<void> {
    const spec = this.spec;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new AbortController();
    const signal = AbortSignal.any([this.abort.signal, timeout.signal]);
    let error: unknown;
    let closing = (): void => {};
    try {
      await Promise.race([
        spec.sender.send({ items: a.items, idempotencyKey: a.id, signal }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            timeout.abort();
            reject(new DeliveryError(`no answer within ${spec.timeoutMs} ms`, false));
          }, spec.timeoutMs);
          // a closing worker does not wait for a delivery in flight (it stays queued), however long its timeout
          closing = () => reject(new DeliveryError('the channel closed', false));
          this.abort.signal.addEventListener('abort', closing, { once: true });
        }),
      ]);
    } catch (e) {
      error = e;
    } finally {
      clearTimeout(timer);
      this.abort.signal.removeEventListener('abort', closing);
    }
    if (this.closed) return;
    const now = Date.now();
    if (error === undefined) {
      this.reader.ack(a.claims);
      this.settle(a);
      this.delivered++;
      return;
    }
    const reason = redactText(error instanceof Error ? error.message : String(error));
    const permanent = error instanceof DeliveryError && error.permanent;
    const oldest = Math.min(...a.items.map((i) => i.queued_at));
    if (permanent || now - oldest >= spec.giveUpMs) {
      this.bury(a, permanent ? `refused: ${reason}` : `gave up after ${Math.round((now - oldest) / 1000)} s: ${reason}`);
      return;
    }
    const attempt = this.failing?.key === a.retryKey ? this.failing.attempt + 1 : 0;
    const base = Math.min(this.spec.retryMs * 2 ** attempt, this.opts.retryMaxMs ?? 300_000);
    const delay = base * (0.5 + Math.random());
    this.failing = { key: a.retryKey, attempt, nextAt: now + delay };
    this.opts.log.warn('a channel could not deliver; trying again', { channel: spec.name, error: reason, retry_in_ms: Math.round(delay) });
  }

  /** settle takes a finished delivery's claims out of the pending list. */
  private settle(a: Attempt): void {
    if (this.failing?.key === a.retryKey) this.failing = undefined;
    const done = new Set(a.claims);
    while (this.pending.length && done.has(this.pending[0])) this.pending.shift();
  }

  private bury(a: Attempt, reason: string): void {
    const spec = this.spec;
    for (const c of a.claims) this.reader.deadLetter(c, spec.name, reason);
    this.settle(a);
    const subject = a.items[0]?.subject ?? '';
    this.opts.log.error('a channel gave up on a notification; it is a dead letter', { channel: spec.name, error: reason });
    this.warnings ??= QueueWriter.open(join(this.opts.home, 'reactor'), { hostname: this.opts.hostname, log: this.opts.log });
    this.warnings.append([
      {
        key: `wubot-channel-${spec.name}`,
        status: 'WARNING',
        subject: `channel ${spec.name} could not deliver "${subject}"${a.items.length > 1 ? ` and ${a.items.length - 1} more` : ''}: ${reason}`,
        noforward: 1,
        [CHANNEL_FAILED]: [...new Set([...a.items.flatMap((i) => i.failed ?? []), spec.name])],
      },
    ]);
  }

  /** close stops delivering: a delivery in flight is abandoned (it stays queued); `done` resolves when the outbox is closed. */
  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.abort.abort();
      this.wake.close();
      this.spec.sender.close?.();
    }
    return this.done;
  }
}
