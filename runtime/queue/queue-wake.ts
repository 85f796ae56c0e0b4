import { closeSync, mkdirSync, openSync, utimesSync, watch, type FSWatcher } from 'node:fs';
import { join, resolve } from 'node:path';

/*
 * Wake-ups for queue readers. A writer signals after each commit: readers
 * in its own process at once, readers in other processes by touching
 * WAKE_FILE in the queue directory, which they watch (inotify on Linux).
 * Only writers touch that file, so a reader's own acknowledgements never
 * wake it. The signal comes after the commit: a reader woken by it sees the
 * rows (a change of the WAL file would not do, as it is written before the
 * commit is visible). A missed signal (a writer of an older version, a
 * watch that failed) only costs the reader's fallback poll.
 */

/** WAKE_FILE is touched in a queue directory after every append. */
export const WAKE_FILE = 'queue.wake';

/** readers in this process, by queue directory */
const local = new Map<string, Set<QueueWake>>();

/** signalWritten tells the readers of a queue directory that rows were committed; it never throws. */
export function signalWritten(dir: string): void {
  const abs = resolve(dir);
  for (const w of local.get(abs) ?? []) w.notify();
  const file = join(abs, WAKE_FILE);
  const now = new Date();
  try {
    utimesSync(file, now, now);
  } catch (e) {
    // the first signal makes the file; anything else (no permission, a removed directory) leaves readers to their poll
    if ((e as { code?: string }).code !== 'ENOENT') return;
    try {
      closeSync(openSync(file, 'a'));
    } catch {
      // as above
    }
  }
}

/** WaitResult says why a wait ended. */
export type WaitResult = 'written' | 'timeout' | 'closed';

/**
 * QueueWake lets one reader wait until its queue may have been written. A
 * signal that comes while the reader is busy is kept, so the next wait
 * returns at once: a write is never missed between a claim that found
 * nothing and the wait after it (at worst the reader claims once for
 * nothing).
 */
export class QueueWake {
  private readonly dir: string;
  private watcher?: FSWatcher;
  private pending = false;
  private closed = false;
  private release?: (r: WaitResult) => void;
  /** wakes counts waits ended by a signal, for tests and figures. */
  wakes = 0;

  /** The directory is made when missing, as its reader would. */
  constructor(dir: string) {
    this.dir = resolve(dir);
    mkdirSync(this.dir, { recursive: true });
    let set = local.get(this.dir);
    if (!set) local.set(this.dir, (set = new Set()));
    set.add(this);
    try {
      this.watcher = watch(this.dir, (_event, name) => {
        // Node may give no name; then any change may be a write
        if (name === null || name === WAKE_FILE) this.notify();
      });
      this.watcher.on('error', () => this.unwatch());
    } catch {
      // no watch (inotify limits, a file system without it): signals from this process still come
    }
  }

  /** watching says whether signals from other processes arrive; without it a reader polls as often as before. */
  get watching(): boolean {
    return this.watcher !== undefined;
  }

  /** notify ends the current wait, or the next one, as `written`. */
  notify(): void {
    if (this.release) this.release('written');
    else this.pending = true;
  }

  /** wait resolves when a signal came since the last wait, after `timeoutMs` (none: no limit), or at close. */
  wait(timeoutMs?: number): Promise<WaitResult> {
    if (this.closed) return Promise.resolve('closed');
    if (this.pending) {
      this.pending = false;
      this.wakes++;
      return Promise.resolve('written');
    }
    if (this.release) throw new Error(`a queue wake of ${this.dir} has one waiter at a time`);
    return new Promise((done) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => this.release?.('timeout'), timeoutMs);
      this.release = (r) => {
        clearTimeout(timer);
        this.release = undefined;
        if (r === 'written') this.wakes++;
        done(r);
      };
    });
  }

  private unwatch(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }

  /** close ends a wait in progress as `closed`, and every later one; it stops the watch. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unwatch();
    const set = local.get(this.dir);
    set?.delete(this);
    if (set?.size === 0) local.delete(this.dir);
    this.release?.('closed');
  }
}
