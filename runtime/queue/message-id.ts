import { randomBytes } from 'node:crypto';
import type { Message } from '../pipeline-api.js';

/** ID_FIELD is the field that carries a message's unique id, from its first store on, across hosts. */
export const ID_FIELD = 'wubot_id';

let lastMs = 0;
let counter = 0;

/**
 * newMessageId makes an id that sorts by creation time (so the queue's index
 * grows at its end) and is unique across hosts: milliseconds, a counter, and
 * 64 random bits.
 */
export function newMessageId(now = Date.now()): string {
  if (now === lastMs) counter++;
  else {
    lastMs = now;
    counter = 0;
  }
  return `${now.toString(36).padStart(9, '0')}${counter.toString(36).padStart(3, '0')}${randomBytes(8).toString('hex')}`;
}

/**
 * stampMessage gives a message what its first store adds when missing: an
 * id, `lastupdate` (epoch seconds) and `hostname`. It changes the message in
 * place, as the original's store does, and returns the id.
 */
export function stampMessage(m: Message, host: string, nowMs = Date.now()): string {
  if (typeof m[ID_FIELD] !== 'string' || m[ID_FIELD] === '') m[ID_FIELD] = newMessageId(nowMs);
  if (m.lastupdate === undefined || m.lastupdate === null || m.lastupdate === '') m.lastupdate = Math.floor(nowMs / 1000);
  if (m.hostname === undefined || m.hostname === null || m.hostname === '') m.hostname = host;
  return m[ID_FIELD] as string;
}
