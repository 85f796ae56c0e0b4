import type { Message } from './pipeline-api.js';

/**
 * Fields makes empty messages whose prototype holds nothing: `constructor`,
 * `toString` or `__proto__` are plain fields, as a message has no methods.
 * Unlike Object.create(null), which V8 keeps in its slow dictionary mode,
 * an object made this way stays a fast one: reading its fields, and
 * writing it as JSON, cost what they cost on an ordinary object.
 */
const Fields = function Fields() {} as unknown as new () => Message;
Fields.prototype = Object.create(null) as object;

/**
 * asMessage turns parsed JSON into a message, or gives undefined when it is
 * not a JSON object. The message is a copy made by Fields, so that a key
 * such as `__proto__` is a field like any other. (Copying is faster overall
 * than Object.setPrototypeOf in place, which slows every later access to
 * the object.)
 */
export function asMessage(value: unknown): Message | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return Object.assign(new Fields(), value);
}
