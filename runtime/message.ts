import type { Message } from './pipeline-api.js';

/**
 * asMessage turns parsed JSON into a message, or gives undefined when it is
 * not a JSON object. The message is a copy without a prototype, so that
 * fields such as `constructor` or `__proto__` are plain fields. (Copying is
 * faster overall than Object.setPrototypeOf in place, which slows every
 * later access to the object.)
 */
export function asMessage(value: unknown): Message | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return Object.assign(Object.create(null) as Message, value);
}
