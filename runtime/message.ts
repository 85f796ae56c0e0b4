import type { Message } from './pipeline-api.js';

/**
 * asMessage turns parsed JSON into a message, or gives undefined when it is
 * not a JSON object. The object loses its prototype (in place), so that
 * fields such as `constructor` or `__proto__` are plain fields.
 */
export function asMessage(value: unknown): Message | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return Object.setPrototypeOf(value, null) as Message;
}
