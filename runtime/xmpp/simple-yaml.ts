import { perlPlainScalar, reservedWord, type ScalarValue } from '../../grammar/plain-scalar.js';
import type { Message } from '../pipeline-api.js';

/*
 * A fast reader for the YAML that almost every message body holds: a flat
 * mapping of plain words, integers and single-quoted one-line strings, and
 * lists of those, as YAML::XS (and wubot) write them. It answers only when
 * the full YAML parser would read the text the same way; anything else
 * (quoting it does not know, block scalars, nesting, folded lines, keys
 * that YAML::XS reads as booleans or null) gives undefined, and the caller
 * uses the full parser. Both resolve scalars with perlPlainScalar. Full parsing costs about 70 µs a message; this, a few.
 */

const KEY = /^([A-Za-z_][A-Za-z0-9_.-]*):(?: (.*))?$/;
/** plain words: no indicator first, no `: ` or ` #`; strings unless they end in a space or are one of the words below */
const WORD = /^[A-Za-z0-9_/][A-Za-z0-9 _./,()+=@-]*$/;
const NEGATIVE = /^-[0-9]+$/;
const QUOTED = /^'((?:[^']|'')*)'$/;

/** scalar reads one value, or gives undefined when it is not one this reader is sure of. */
function scalar(text: string): ScalarValue | undefined {
  if (WORD.test(text) || NEGATIVE.test(text)) return text.endsWith(' ') ? undefined : perlPlainScalar(text);
  const q = QUOTED.exec(text);
  return q ? q[1].replace(/''/g, "'") : undefined;
}

/** readSimpleYaml reads a body's YAML when it is of the simple kind, else gives undefined. */
export function readSimpleYaml(text: string): Message | undefined {
  if (!text.startsWith('---\n')) return undefined;
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const m = Object.create(null) as Message;
  let list: unknown[] | undefined;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith('- ')) {
      if (!list) return undefined;
      const v = scalar(line.slice(2));
      if (v === undefined) return undefined;
      list.push(v);
      continue;
    }
    if (list?.length === 0) return undefined; // a key with no value and no items is null: leave it to the full parser
    list = undefined;
    const kv = KEY.exec(line);
    if (!kv || reservedWord(kv[1])) return undefined;
    if (kv[2] === undefined) {
      list = [];
      m[kv[1]] = list;
      continue;
    }
    const v = scalar(kv[2]);
    if (v === undefined) return undefined;
    m[kv[1]] = v;
  }
  return list?.length === 0 ? undefined : m;
}
