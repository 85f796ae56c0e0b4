/** ScalarPlace is where a scalar lies in its file and how it is written. */
export interface ScalarPlace {
  readonly range?: readonly number[];
  readonly type?: string | null;
}

const WS = /[ \t\r\n]/;

function escapeLength(raw: string, j: number): { length: number; produces: boolean } {
  const c = raw[j + 1];
  if (c === 'x') return { length: 4, produces: true };
  if (c === 'u') return { length: 6, produces: true };
  if (c === 'U') return { length: 10, produces: true };
  if (c === '\r' || c === '\n') {
    let k = j + 1;
    while (k < raw.length && WS.test(raw[k])) k++;
    return { length: k - j, produces: false };
  }
  return { length: 2, produces: true };
}

/** counting is [start, start + 1, …] with `count` entries: the offsets of text that sits in the file as it is. */
export function counting(start: number, count: number): number[] {
  // a loop, not Array.from({ length }, f): that takes ten times as long, which 83,000 conditions feel;
  // made at its size, as push would leave room to grow in each of them
  const out = new Array<number>(count);
  for (let i = 0; i < count; i++) out[i] = start + i;
  return out;
}

/** isCounting tells whether offsets count up one by one: the text they place sits in the file as it is. */
export function isCounting(offsets: readonly number[]): boolean {
  for (let i = 1; i < offsets.length; i++) if (offsets[i] !== offsets[0] + i) return false;
  return true;
}

/**
 * scalarOffsets maps each character of a YAML scalar's value to its offset in
 * the file, so that a position inside a condition can be shown at its real
 * line and column, also in quoted, escaped, folded and block scalars.
 * The result has value.length + 1 entries (the last is the end). When the
 * value cannot be aligned with its source, every entry is the scalar's start.
 */
export function scalarOffsets(text: string, node: ScalarPlace, value: string): number[] {
  const [start, end] = node.range ?? [0, 0];
  const style = node.type;
  let j = start;
  if (style === 'QUOTE_DOUBLE' || style === 'QUOTE_SINGLE') j = start + 1;
  else if (style === 'BLOCK_LITERAL' || style === 'BLOCK_FOLDED') {
    const nl = text.indexOf('\n', start);
    j = nl < 0 ? end : nl + 1;
  }
  const out: number[] = new Array(value.length + 1);
  let i = 0;
  while (i < value.length && j < end) {
    const v = value[i];
    const r = text[j];
    if (style === 'QUOTE_DOUBLE' && r === '\\') {
      const esc = escapeLength(text, j);
      if (esc.produces) out[i++] = j;
      j += esc.length;
    } else if (style === 'QUOTE_SINGLE' && r === "'" && text[j + 1] === "'") {
      out[i++] = j;
      j += 2;
    } else if (r === v) {
      out[i++] = j++;
    } else if (WS.test(v) && WS.test(r)) {
      const runStart = j;
      while (j < end && WS.test(text[j])) j++;
      let k = 0;
      while (i < value.length && WS.test(value[i])) out[i++] = Math.min(runStart + k++, j);
    } else if (WS.test(r)) {
      j++;
    } else {
      break;
    }
  }
  if (i < value.length) return out.fill(start);
  out[value.length] = value.length > 0 ? out[value.length - 1] + 1 : j;
  return out;
}
