import { epochSeconds } from '../../grammar/time-length.js';

/*
 * Every value a request brings is read here, and one that is not what its
 * route takes is a BadRequest (400, with the reason), never a raw 500 and
 * never silently something else.
 */

/** BadRequest is a request parameter the web UI does not take; its message says which and why. */
export class BadRequest extends Error {}

/** Params is a request's query or form: a name's values, first one first. */
export type Params = Record<string, string | string[] | File | (string | File)[] | undefined>;

/** MAX_TEXT bounds a text parameter: a key, host or mailbox name is never near it. */
export const MAX_TEXT = 1000;
const MAX_VALUES = 1000;

function values(p: Params, name: string): string[] {
  const v = p[name];
  const list = v === undefined ? [] : Array.isArray(v) ? v : [v];
  if (list.length > MAX_VALUES) throw new BadRequest(`${name}: more than ${MAX_VALUES} values`);
  return list.map((x) => {
    if (typeof x !== 'string') throw new BadRequest(`${name}: a file where a value was expected`);
    if (x.length > MAX_TEXT) throw new BadRequest(`${name}: longer than ${MAX_TEXT} characters`);
    return x;
  });
}

/** text is a parameter's first value, undefined when missing or empty. */
export function text(p: Params, name: string): string | undefined {
  return values(p, name)[0] || undefined;
}

/** texts are all of a parameter's values, empty ones left out. */
export function texts(p: Params, name: string): string[] {
  return values(p, name).filter(Boolean);
}

/** integer is a whole number from `min` to `max`, or undefined when missing or empty. */
export function integer(p: Params, name: string, min: number, max: number): number | undefined {
  const v = text(p, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new BadRequest(`${name}: ${show(v)} is not a whole number from ${min} to ${max}`);
  return Number(v);
}

/** integers are all of a parameter's values, each a whole number from `min` to `max`. */
export function integers(p: Params, name: string, min: number, max: number): number[] {
  return texts(p, name).map((v) => integer({ [name]: v }, name, min, max)!);
}

/** flag is true for `1`, false when missing, empty or `0`. */
export function flag(p: Params, name: string): boolean {
  const v = text(p, name);
  if (v === undefined || v === '0') return false;
  if (v === '1') return true;
  throw new BadRequest(`${name}: ${show(v)} is neither 1 nor 0`);
}

/** oneOf is one of the given values, or undefined when missing or empty. */
export function oneOf<T extends string>(p: Params, name: string, allowed: readonly T[]): T | undefined {
  const v = text(p, name);
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v)) throw new BadRequest(`${name}: ${show(v)} is not one of ${allowed.join(', ')}`);
  return v as T;
}

/** time is epoch seconds or an ISO date-time (UTC unless it says otherwise), between 1970 and 9999; undefined when missing. */
export function time(p: Params, name: string): number | undefined {
  const v = text(p, name);
  if (v === undefined) return undefined;
  const t = epochSeconds(v);
  if (t === undefined) throw new BadRequest(`${name}: ${show(v)} is not a time (epoch seconds or a date such as 2026-12-01T09:30) from 1970 to 9999`);
  return t;
}

const show = (v: string) => `\`${v.length > 40 ? `${v.slice(0, 40)}…` : v}\``;
