import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { RawMatch } from './regex-js-matches.js';

/*
 * Patterns only a backtracking engine can run (backreferences, lookaround,
 * atomic groups) run in a worker thread, while the caller waits for the
 * answer with a timeout (Atomics.wait): when the time budget is spent, the
 * worker is killed and a fresh one started, and the caller gets a
 * RegexTimeout. A JavaScript regex cannot be interrupted in its own thread,
 * so this is the only way to bound it.
 */

/** BacktrackRequest asks the worker for the first match of a JavaScript pattern, or for all of them. */
export interface BacktrackRequest {
  readonly source: string;
  readonly flags: string;
  readonly text: string;
  readonly all: boolean;
}

/** BacktrackReply holds each match as [index, match, ...groups], in JavaScript's numbering. */
export type BacktrackReply = { matches: RawMatch[] } | { error: string };

/** RegexTimeout says a pattern ran past the time budget and was stopped. */
export class RegexTimeout extends Error {
  constructor(
    readonly pattern: string,
    readonly budgetMs: number,
  ) {
    super(`regex \`${pattern}\` ran past the time budget of ${budgetMs} ms and was stopped (it needs a backtracking engine)`);
  }
}

/** DEFAULT_BUDGET_MS bounds one backtracking match where no per-message budget is set. */
export const DEFAULT_BUDGET_MS = 1000;

const workerFile = new URL('./regex-worker.js', import.meta.url);
const STARTUP_MS = 10_000;

class Pool {
  private worker?: Worker;
  private port?: MessagePort;
  private flag?: Int32Array;

  /** start makes sure a worker is running (or starting), so that the first match does not wait for it long. */
  start(): void {
    if (this.worker) return;
    // [0]: an answer is there; [1]: the worker is ready
    const signal = new SharedArrayBuffer(8);
    const { port1, port2 } = new MessageChannel();
    this.worker = new Worker(workerFile, { workerData: { port: port2, signal }, transferList: [port2] });
    this.worker.unref();
    port1.unref();
    this.worker.on('error', () => this.kill());
    this.port = port1;
    this.flag = new Int32Array(signal);
  }

  private kill(): void {
    void this.worker?.terminate();
    this.port?.close();
    this.worker = this.port = this.flag = undefined;
  }

  run(req: BacktrackRequest, timeoutMs: number): BacktrackReply | undefined {
    this.start();
    const flag = this.flag!;
    // a worker's start-up is not the pattern's time
    Atomics.wait(flag, 1, 0, STARTUP_MS);
    Atomics.store(flag, 0, 0);
    this.port!.postMessage(req);
    if (Atomics.wait(flag, 0, 0, timeoutMs) === 'timed-out') {
      this.kill();
      this.start();
      return undefined;
    }
    return receiveMessageOnPort(this.port!)?.message as BacktrackReply | undefined;
  }
}

const pool = new Pool();
let deadline: number | undefined;
let budget = DEFAULT_BUDGET_MS;

/** prepareBacktracking starts the worker ahead of the first match that needs it. */
export function prepareBacktracking(): void {
  pool.start();
}

/**
 * withTimeBudget runs fn with every backtracking match in it sharing one
 * budget of `ms` (the reactor's per-message budget): a match that would run
 * past it is stopped with a RegexTimeout.
 */
export function withTimeBudget<T>(ms: number, fn: () => T): T {
  const outer = [deadline, budget] as const;
  deadline = performance.now() + ms;
  budget = ms;
  try {
    return fn();
  } finally {
    [deadline, budget] = outer;
  }
}

/** backtrackMatches runs a JavaScript pattern in the worker, within the budget; it throws RegexTimeout past it. */
export function backtrackMatches(pattern: string, req: BacktrackRequest): RawMatch[] {
  const left = deadline === undefined ? budget : deadline - performance.now();
  const reply = left > 0 ? pool.run(req, left) : undefined;
  if (!reply) throw new RegexTimeout(pattern, budget);
  if ('error' in reply) throw new Error(`regex \`${pattern}\`: ${reply.error}`);
  return reply.matches;
}
