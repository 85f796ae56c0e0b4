import { randomFillSync } from 'node:crypto';
import { checksum } from '../perl-yaml.js';
import { truthy } from '../../grammar/perl-values.js';
import type { Message } from '../pipeline-api.js';

/** ID_FIELD is the field that carries a message's unique id, from its first store on, across hosts. */
export const ID_FIELD = 'wubot_id';

let lastMs = 0;
let lastMsText = '';
let counter = 0;

/** random bits come from a pool refilled 4 KiB at a time: one system call per 512 ids, not one per id */
const pool = Buffer.alloc(4096);
let poolAt = pool.length;

function randomPart(): string {
  if (poolAt + 8 > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  poolAt += 8;
  return pool.toString('base64url', poolAt - 8, poolAt);
}

/**
 * newMessageId makes an id that sorts by creation time within a process (so
 * the queue's index grows at its end) and that no one can guess: its last
 * 64 bits are random for each id, so a peer cannot send ahead the id of a
 * message this host will make, to have it dropped as a duplicate.
 */
export function newMessageId(now = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    lastMsText = now.toString(36).padStart(9, '0');
    counter = 0;
  } else counter++;
  return `${lastMsText}${counter.toString(36).padStart(4, '0')}${randomPart()}`;
}

/** hasMessageId tells whether a message carries an id already. */
export function hasMessageId(m: Message): boolean {
  return typeof m[ID_FIELD] === 'string' && m[ID_FIELD] !== '';
}

/**
 * stampFields gives a message what its first store adds when missing, but
 * for the id: the original's `checksum` (computed first, as the original
 * does), `lastupdate` (epoch seconds) and `hostname`. It changes the message
 * in place, as the original's store does.
 */
export function stampFields(m: Message, host: string, nowMs: number): void {
  if (!truthy(m.checksum)) m.checksum = checksum(m);
  if (m.lastupdate === undefined || m.lastupdate === null || m.lastupdate === '') m.lastupdate = Math.floor(nowMs / 1000);
  if (m.hostname === undefined || m.hostname === null || m.hostname === '') m.hostname = host;
}

/** stampMessage is stampFields and, when missing, a new id; it returns the message's id. */
export function stampMessage(m: Message, host: string, nowMs = Date.now()): string {
  stampFields(m, host, nowMs);
  if (!hasMessageId(m)) m[ID_FIELD] = newMessageId(nowMs);
  return m[ID_FIELD] as string;
}
