import type { Claimed } from '../queue/queue-reader.js';

/** Held is what storm control keeps back for one key, to go out as one digest. */
export interface Held {
  readonly claims: Claimed[];
  /** since: when the first held item came; the digest goes out one window later. */
  since: number;
}

/**
 * Storm is the per-key rate limit of one channel: at most `count` items per
 * key in a sliding window; the rest are held (claimed, not acknowledged, so
 * a crash loses none of them) until a digest of them is sent.
 */
export class Storm {
  private readonly sent = new Map<string, number[]>();
  readonly held = new Map<string, Held>();

  constructor(
    private readonly count: number,
    readonly windowMs: number,
  ) {}

  /** allows tells whether one more item of `key` may go out now. */
  allows(key: string, now: number): boolean {
    const times = this.sent.get(key);
    if (!times) return true;
    while (times.length && times[0] <= now - this.windowMs) times.shift();
    if (times.length === 0) this.sent.delete(key);
    return times.length < this.count;
  }

  /** record notes that an item of `key` went out. */
  record(key: string, now: number): void {
    const times = this.sent.get(key);
    if (times) times.push(now);
    else this.sent.set(key, [now]);
  }

  hold(key: string, c: Claimed, now: number): void {
    const h = this.held.get(key);
    if (h) h.claims.push(c);
    else this.held.set(key, { claims: [c], since: now });
  }

  /** due gives the key whose digest should go out first at `now` (a recovery's key at once), or the time the next one is due. */
  due(now: number): { key: string; held: Held } | number | undefined {
    let next: number | undefined;
    for (const [key, held] of this.held) {
      const at = held.since + this.windowMs;
      if (at <= now) return { key, held };
      next = next === undefined ? at : Math.min(next, at);
    }
    return next;
  }
}

/** windowText says a window the way a person does: `10 min`, `45 s`, `2 h`. */
export function windowText(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s % 3600 === 0) return `${s / 3600} h`;
  if (s >= 60 && s % 60 === 0) return `${s / 60} min`;
  return `${s} s`;
}
