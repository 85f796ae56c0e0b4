import { num, str } from './perl-values.js';

/*
 * What the original's YAML::XS (libyaml) makes of a scalar, for every reader
 * of configs and message bodies. A plain scalar is text, except `~`, `null`
 * and the empty scalar (undef), `true` (Perl's true, 1) and `false` (Perl's
 * false, ""). Text that looks like a number to Perl also holds that number;
 * it is a JavaScript number here only where Perl prints the number as the
 * text (`5`, `-3`, `2.5`, `1e+20`), so `1.50`, `017`, `1e3`, `+1`, `True`,
 * `Null`, `0x1F`, `.inf`, `yes` stay the strings they are in Perl.
 */

/** ScalarValue is what one YAML scalar reads as. */
export type ScalarValue = string | number | boolean | null;

/**
 * NUMBER_START: what Perl's looks_like_number lets a number start with:
 * whitespace, a sign, a digit, a dot, or the first letter of an infinity or
 * a NaN (`inf`, `nan`, `qnan`, `snan`, any case). Most text starts otherwise
 * and is no number without a closer look.
 */
const NUMBER_START = new Set([...' \t\n\r\f\v+-.0123456789iInNqQsS'].map((c) => c.charCodeAt(0)));

/** numberish is a scalar's text as a number where Perl prints that number as the same text, else the text. */
function numberish(text: string): string | number {
  if (!NUMBER_START.has(text.charCodeAt(0))) return text;
  // the usual number: up to 15 digits, no leading zero (so exact in a double, and printed back the same)
  if (/^(?:0|[1-9][0-9]{0,14})$/.test(text)) return Number(text);
  const n = num(text);
  return n !== undefined && Number.isFinite(n) && str(n) === text ? n : text;
}

/** perlPlainScalar is the value of an untagged plain scalar, as YAML::XS loads it. */
export function perlPlainScalar(text: string): ScalarValue {
  if (text === '' || text === '~' || text === 'null') return null;
  if (text === 'true') return true;
  if (text === 'false') return false;
  return numberish(text);
}

/** perlTaggedScalar is the value of a scalar with a `!!` tag, as YAML::XS loads it; undefined where YAML::XS refuses the tag. */
export function perlTaggedScalar(tag: string, text: string): ScalarValue | undefined {
  switch (tag) {
    case 'tag:yaml.org,2002:str':
      return text;
    case 'tag:yaml.org,2002:null':
      return null;
    case 'tag:yaml.org,2002:int':
    case 'tag:yaml.org,2002:float':
      return numberish(text);
    case 'tag:yaml.org,2002:bool':
      return undefined;
    default:
      return text;
  }
}

/** perlText is the text Perl holds for a value, which is also what a mapping key is (`true:` is the key `1`, `~:` the key ``). */
export function perlText(v: ScalarValue): string {
  return str(v);
}

/** reservedWord tells whether a plain scalar is read as a boolean or null (so, as a key, is not the string it looks like). */
export function reservedWord(text: string): boolean {
  return text === '~' || text === 'null' || text === 'true' || text === 'false';
}
