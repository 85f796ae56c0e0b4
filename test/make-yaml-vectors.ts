/*
 * Records test/fixtures/yaml-xs-vectors.jsonl: random messages of every
 * shape the emitter has to get right (nested maps and lists, Unicode, tabs,
 * line breaks, trailing spaces, quotes, numbers as text, reserved words,
 * keys that need quotes, long lines that fold), each with the YAML::XS dump
 * and the original's checksum, as the real YAML::XS makes them
 * (test/yaml-xs-oracle.pl; Debian's libyaml-libyaml-perl). Not run by
 * `npm test`, which reads the recorded file:
 *
 *   npx tsc -p tsconfig.json && node dist/test/make-yaml-vectors.js
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { repoRoot } from './helpers.js';

const SEED = Number(process.env.SEED ?? 1313);
const RUNS = Number(process.env.RUNS ?? 3000);

/** Characters that change how libyaml writes a string, and some that do not. */
const tricky = [
  ' ', ' ', ' ', '\n', '\n', '\t', '\r', ':', '#', '-', '?', "'", '"', '\\', '~', '.', ',', '[', ']', '{', '}', '&', '*', '!', '|', '>', '%', '@', '`',
  '0', '1', '5', 'e', 'x', 'a', 'Z', '_', '/', '=', '+', 'é', '日', '😀', '\u0085', '\u2028', '\u2029', '\u00a0', '\ufeff', '\u0000', '\u0007', '\u001b', '\u007f', '\ue000', '\ufffd',
];
const words = ['a', 'load', 'is', 'high', 'café', 'x:', '#tag', '-', 'value', 'http://h/x', "it's", '"q"', 'tab\tbed', 'a\nb'];
const special = [
  '', '~', 'null', 'true', 'false', 'True', 'NULL', 'yes', 'no', '0', '1', '-1', '017', '1.50', '2.5', '1e3', '.5', '5.', '+1', ' 5', '5 ', '5\n', '\n5', '0 but true', '0x1F',
  'Inf', '-inf', 'Infinity', 'nan', 'NaN', '1_000', '-', '--', '---', '--- x', '...', '... x', 'a: b', 'a:b', 'x #y', 'x#y', ':x', '?x', '? x', '- x', '-x', '\n', '\n\n', ' ', '  ',
  'line one\nline two', 'exit 0\n', 'multi\nline\n', 'abcdefghij abcdefghij abcdefghij\n', 'abcdefghij abcdefghij abcdefghij\n\n', 'abcdefghij abcdefghij abcdefghi\n',
  ' abcdefghij abcdefghij abcdefghij\nx', '\nabcdefghij abcdefghij abcdefghij', 'abcdefghij abcdefghij abcdefghij \nx', 'abcdefghij abcdefghij abcdefghij\n x',
];

const trickyString = fc.array(fc.constantFrom(...tricky), { maxLength: 40 }).map((cs) => cs.join(''));
const wordString = fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 40 }).map((ws) => ws.join(' '));
const lineString = fc
  .array(fc.oneof(fc.constantFrom(...words), fc.constant(''), trickyString), { minLength: 1, maxLength: 6 })
  .map((ls) => ls.join('\n'));
const text = fc.oneof(
  { arbitrary: fc.constantFrom(...special), weight: 3 },
  { arbitrary: trickyString, weight: 4 },
  { arbitrary: wordString, weight: 2 },
  { arbitrary: lineString, weight: 3 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }), weight: 1 },
  { arbitrary: fc.string({ maxLength: 30 }), weight: 1 },
);
const number = fc.oneof(fc.integer(), fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }), fc
    .double({ noNaN: true, noDefaultInfinity: true })
    // JSON::PP reads an integer past 64 bits as text, which a JavaScript number is not
    .filter((d) => !(Number.isInteger(d) && Math.abs(d) >= 2 ** 53 && Math.abs(d) < 1e21)), fc.constantFrom(0, 2.5, 0.1, 1e21, 1e-7, 0.30000000000000004, 1764300000));
const scalar = fc.oneof({ arbitrary: text, weight: 8 }, { arbitrary: number, weight: 2 }, { arbitrary: fc.constantFrom(null, true, false), weight: 1 });
const key = fc.oneof({ arbitrary: fc.constantFrom('subject', 'key', 'hostname', 'lastupdate', 'wubot_rulelog', 'mailbox', 'checksum', 'config.url', 'body'), weight: 3 }, { arbitrary: text, weight: 2 }, { arbitrary: fc.constant('k'.repeat(129)), weight: 1 });

const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, { arbitrary: scalar, weight: 6 }, { arbitrary: tie('list'), weight: 1 }, { arbitrary: tie('map'), weight: 1 }),
  list: fc.array(tie('value'), { maxLength: 4 }),
  map: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
}));
const message = fc.dictionary(key, value, { minKeys: 1, maxKeys: 8 });

const messages = fc.sample(message, { seed: SEED, numRuns: RUNS });
const input = messages.map((m) => JSON.stringify(m)).join('\n') + '\n';
const answers = execFileSync('perl', [join(repoRoot, 'test', 'yaml-xs-oracle.pl')], { input, maxBuffer: 256 * 1024 * 1024 })
  .toString('utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as { yaml: string; checksum: string });
if (answers.length !== messages.length) throw new Error(`the oracle answered ${answers.length} of ${messages.length} messages`);
const out = messages.map((m, i) => JSON.stringify({ message: m, yaml: answers[i].yaml, checksum: answers[i].checksum })).join('\n') + '\n';
writeFileSync(join(repoRoot, 'test', 'fixtures', 'yaml-xs-vectors.jsonl'), out);
console.log(`${messages.length} vectors written`);
