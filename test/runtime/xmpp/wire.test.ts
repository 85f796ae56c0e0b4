import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { str } from '../../../grammar/perl-values.js';
import { decodeBody, encodeBody, WireError } from '../../../runtime/xmpp/wire.js';
import { repoRoot } from '../../helpers.js';

/** Messages as the original Perl wubot put them on the XMPP wire, and what its receiver made of them. */
const samples = readFileSync(join(repoRoot, 'test', 'fixtures', 'wire-samples.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as { message: Record<string, unknown>; body: string; decoded_by_original: Record<string, unknown> });

/** Random messages of every shape (test/make-yaml-vectors.ts). */
const vectors = readFileSync(join(repoRoot, 'test', 'fixtures', 'yaml-xs-vectors.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => (JSON.parse(l) as { message: Record<string, unknown> }).message);

/** perlData is a value as Perl's text of each scalar, keys sorted, to compare what a round trip keeps. */
function perlData(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.map(perlData);
  if (typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, perlData((v as Record<string, unknown>)[k])]));
  return str(v);
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

describe('XMPP wire format', () => {
  it('encodes exactly as the original does', () => {
    for (const s of samples) assert.equal(encodeBody(s.message), s.body);
  });

  it('decodes what the original sends as the original does', () => {
    for (const s of samples) assert.deepEqual(JSON.parse(JSON.stringify(decodeBody(s.body))), s.decoded_by_original);
  });

  it('round-trips non-ASCII text, lists and numbers', () => {
    const m = { subject: 'café ☕ 日本語', wubot_rulelog: ['a:b', 'c:d'], load01: 2.5, n: '007', empty: '' };
    assert.deepEqual(JSON.parse(JSON.stringify(decodeBody(encodeBody(m)))), m);
  });

  it(`reads back all it writes, for ${vectors.length} messages of every shape (line and paragraph separators too)`, () => {
    const wrong = vectors.filter((m) => JSON.stringify(perlData(decodeBody(encodeBody(m)))) !== JSON.stringify(perlData(m)));
    assert.deepEqual(wrong.slice(0, 3), []);
    assert.deepEqual({ ...decodeBody(encodeBody({ a: 'x\u2028y', b: 'p\u2029 q' })) }, { a: 'x\u2028y', b: 'p\u2029 q' });
  });

  it('refuses bodies that are not messages, and YAML bombs, with a reason', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`)].join('\n');
    const cases: [string, RegExp][] = [
      ['not base64 at all!', /not base64/],
      [Buffer.from([0xff, 0xfe, 0xfd]).toString('base64'), /not UTF-8/],
      [b64('just a string'), /not a YAML mapping/],
      [b64('- a list'), /not a YAML mapping/],
      [b64('a: [unclosed'), /not YAML/],
      [b64(bomb), /not a message|not YAML/],
      ['A'.repeat(2_000_000), /larger than/],
    ];
    for (const [body, why] of cases) {
      assert.throws(() => decodeBody(body), (e: unknown) => e instanceof WireError && why.test((e as Error).message), body.slice(0, 40));
    }
  });
});
