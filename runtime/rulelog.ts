import type { Message } from './pipeline-api.js';

/**
 * rulelog appends an entry to the message's wubot_rulelog list, making one
 * where there is none; a wubot_rulelog that is something else is left as it
 * is, as the original leaves it (its push there fails, inside an eval).
 */
export function rulelog(m: Message, entry: string): void {
  const log = m.wubot_rulelog;
  if (Array.isArray(log)) log.push(entry);
  else if (log === undefined || log === null) m.wubot_rulelog = [entry];
}
