/** RawMatch is a JavaScript match as [index, match, ...groups], in JavaScript's numbering. */
export type RawMatch = (string | undefined | number)[];

/** advance is the offset after the character at `i`, a surrogate pair being one character. */
export function advance(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? i + 2 : i + 1;
}

function insidePair(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  const b = s.charCodeAt(i - 1);
  return c >= 0xdc00 && c <= 0xdfff && b >= 0xd800 && b <= 0xdbff;
}

/**
 * jsMatches finds the first match of a global (`g`) JavaScript regex, or
 * all of them as a global replace steps through them. V8 can report an
 * empty match between the two halves of a surrogate pair with the `u` flag;
 * no character starts there, so the search goes on after it.
 */
export function jsMatches(re: RegExp, text: string, all: boolean): RawMatch[] {
  const out: RawMatch[] = [];
  let pos = 0;
  while (pos <= text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) break;
    if (insidePair(text, m.index)) {
      pos = m.index + 1;
      continue;
    }
    out.push([m.index, ...m]);
    if (!all) break;
    const end = m.index + m[0].length;
    pos = end === m.index ? advance(text, end) : end;
  }
  return out;
}
