import { randomBytes } from 'node:crypto';
import { checksum } from '../perl-yaml.js';
import type { Message } from '../pipeline-api.js';

/** ID_FIELD is the field that carries a message's unique id, from its first store on, across hosts. */
export const ID_FIELD = 'wubot_id';

/** 64 random bits per process tell apart ids made in the same millisecond by different processes and hosts. */
const processPart = randomBytes(8).toString('hex');
let lastMs = 0;
let lastMsText = '';
let counter = 0;

/**
 * newMessageId makes an id that sorts by creation time within a process (so
 * the queue's index grows at its end) and is unique across processes and
 * hosts: milliseconds (never going back), a counter, and the process's
 * random part.
 */
export function newMessageId(now = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    lastMsText = now.toString(36).padStart(9, '0');
    counter = 0;
  } else counter++;
  return `${lastMsText}${counter.toString(36).padStart(4, '0')}${processPart}`;
}

/**
 * stampMessage gives a message what its first store adds when missing: the
 * original's `checksum` (computed first, as the original does), an id,
 * `lastupdate` (epoch seconds) and `hostname`. It changes the message in
 * place, as the original's store does, and returns the id.
 */
export function stampMessage(m: Message, host: string, nowMs = Date.now()): string {
  if (typeof m.checksum !== 'string' || m.checksum === '') m.checksum = checksum(m);
  if (typeof m[ID_FIELD] !== 'string' || m[ID_FIELD] === '') m[ID_FIELD] = newMessageId(nowMs);
  if (m.lastupdate === undefined || m.lastupdate === null || m.lastupdate === '') m.lastupdate = Math.floor(nowMs / 1000);
  if (m.hostname === undefined || m.hostname === null || m.hostname === '') m.hostname = host;
  return m[ID_FIELD] as string;
}
