import { asMessage } from '../message.js';
import type { Message } from '../pipeline-api.js';
import { ID_FIELD } from './message-id.js';

/*
 * How a message is read from a queue row. The id lives in the row's `uid`
 * column; an id given at the message's first store is not in its JSON text
 * (rows, the WAL and every commit stay smaller) and is put back here.
 */

/** decodeRow gives the message a row holds, or the reason it cannot be read. */
export function decodeRow(uid: string, data: string): Message | string {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch (e) {
    return `stored data is not JSON: ${(e as Error).message}`;
  }
  const m = asMessage(value);
  if (!m) return 'stored data is not a JSON object';
  if (m[ID_FIELD] === undefined) m[ID_FIELD] = uid;
  return m;
}
