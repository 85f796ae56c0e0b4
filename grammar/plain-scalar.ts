/*
 * What YAML 1.2's core schema (the yaml library's default) makes of a plain
 * scalar, for the fast readers that must agree with it exactly: integers
 * that are safe in JavaScript become numbers, words become strings, and
 * anything else the schema reads another way (floats, hex, octal, inf, nan,
 * booleans, null) is left to the full parser.
 */

const INTEGER = /^(?:0|-?[1-9][0-9]{0,14})$/;
const NUMBERISH = /^[-+]?(?:[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|\.inf|\.nan)$/i;
const RESERVED = /^(?:true|false|null|~)$/i;

/** plainScalar is the value of a plain scalar when it is an integer or a word, or undefined when the full parser must decide. */
export function plainScalar(text: string): string | number | undefined {
  if (INTEGER.test(text)) return Number(text);
  if (NUMBERISH.test(text) || RESERVED.test(text)) return undefined;
  return text;
}

/** reservedWord tells whether a plain scalar is read as a boolean or null (so, as a key, is not the string it looks like). */
export function reservedWord(text: string): boolean {
  return RESERVED.test(text);
}
