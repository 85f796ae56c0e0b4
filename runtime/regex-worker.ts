/*
 * The worker thread that runs the patterns only a backtracking engine can
 * run, so that the thread that asked can stop waiting, and kill it, when the
 * time budget is spent (a JavaScript regex cannot be interrupted in its own
 * thread). Protocol: see regex-backtrack.ts.
 */

import { workerData, type MessagePort } from 'node:worker_threads';
import type { BacktrackReply, BacktrackRequest } from './regex-backtrack.js';
import { jsMatches } from './regex-js-matches.js';

const { port, signal } = workerData as { port: MessagePort; signal: SharedArrayBuffer };
const flag = new Int32Array(signal);
const compiled = new Map<string, RegExp>();

function regex(source: string, flags: string): RegExp {
  const key = `${flags}/${source}`;
  let re = compiled.get(key);
  if (!re) {
    if (compiled.size >= 1000) compiled.clear();
    re = new RegExp(source, flags + 'g');
    compiled.set(key, re);
  }
  return re;
}

Atomics.store(flag, 1, 1);
Atomics.notify(flag, 1);

port.on('message', (req: BacktrackRequest) => {
  let reply: BacktrackReply;
  try {
    const re = regex(req.source, req.flags);
    reply = { matches: jsMatches(re, req.text, req.all) };
  } catch (e) {
    reply = { error: (e as Error).message };
  }
  port.postMessage(reply);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
