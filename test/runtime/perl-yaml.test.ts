import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checksum, dumpPerlYaml } from '../../runtime/perl-yaml.js';
import { stampMessage } from '../../runtime/queue/message-id.js';
import { repoRoot } from '../helpers.js';

/** Messages as the original Perl wubot put them on the XMPP wire (measured; see shared/reference/wire-format.md). */
const samples = readFileSync(join(repoRoot, 'test', 'fixtures', 'wire-samples.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as { message: Record<string, unknown>; body: string });

/** Random messages of every shape with what the real YAML::XS wrote for them (test/make-yaml-vectors.ts). */
const vectors = readFileSync(join(repoRoot, 'test', 'fixtures', 'yaml-xs-vectors.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as { message: Record<string, unknown>; yaml: string; checksum: string });

describe('YAML as YAML::XS writes it', () => {
  it(`matches YAML::XS byte for byte on ${vectors.length} recorded messages of every shape`, () => {
    const wrong = vectors.filter((v) => dumpPerlYaml(v.message) !== v.yaml);
    assert.deepEqual(wrong.slice(0, 3).map((v) => [v.message, dumpPerlYaml(v.message), v.yaml]), []);
    assert.ok(vectors.length >= 3000);
  });

  it('writes the shapes that once differed as YAML::XS does', () => {
    const long = 'abcdefghij abcdefghij abcdefghij';
    assert.equal(dumpPerlYaml({ a: `${long}\n` }), `---\na: |\n  ${long}\n`);
    assert.equal(dumpPerlYaml({ a: 'x\ny' }), '---\na: "x\\ny"\n');
    assert.equal(dumpPerlYaml({ a: 'x\ty' }), '---\na: "x\\ty"\n');
    assert.equal(dumpPerlYaml({ a: [{ b: 1, c: 2 }] }), '---\na:\n- b: 1\n  c: 2\n');
    assert.equal(dumpPerlYaml({ a: `${long}\n\n` }), `---\na: |+\n  ${long}\n\n...\n`);
    assert.equal(dumpPerlYaml({ a: '5\n' }), "---\na: '5\n\n  '\n");
    assert.equal(dumpPerlYaml({ a: 135471768918234.5 }), '---\na: 135471768918234\n');
  });

  it('matches the original byte for byte on the measured samples', () => {
    for (const s of samples) {
      // the wire body is UTF-8 encoded twice; undo one layer to get what YAML::XS wrote
      const yaml = Buffer.from(Buffer.from(s.body, 'base64').toString('utf8'), 'latin1').toString('utf8');
      assert.equal(dumpPerlYaml(s.message), yaml);
    }
  });

  it('quotes what would read back as something else', () => {
    const y = dumpPerlYaml({ a: 'true', b: '~', c: '12', d: ' lead', e: '- dash', f: 'a: b', g: 'x #y', h: 'inf', i: null, j: true, k: false, l: [], m: { n: 'o' } });
    assert.equal(y, "---\na: 'true'\nb: '~'\nc: '12'\nd: ' lead'\ne: '- dash'\nf: 'a: b'\ng: 'x #y'\nh: 'inf'\ni: ~\nj: 1\nk: ''\nl: []\nm:\n  n: o\n");
  });

  it('folds long plain text at spaces past column 80', () => {
    const words = Array.from({ length: 30 }, (_, i) => `word${i}`).join(' ');
    const lines = dumpPerlYaml({ subject: words }).split('\n');
    assert.ok(lines.length > 3);
    assert.ok(lines[2].startsWith('  '));
    assert.equal(lines.slice(1, -1).join(' ').replace(/\s+/g, ' '), `subject: ${words}`);
  });
});

describe('checksum', () => {
  it(`is the original's on ${vectors.length} recorded messages of every shape`, () => {
    const wrong = vectors.filter((v) => checksum(v.message) !== v.checksum);
    assert.deepEqual(wrong.slice(0, 3).map((v) => v.message), []);
  });

  it('is computed only for a message without a true checksum, whose false one counts, as in the original', () => {
    const m: Record<string, unknown> = { subject: 'x', checksum: '' };
    stampMessage(m, 'h1');
    assert.equal(m.checksum, checksum({ subject: 'x', checksum: '' }));
    assert.notEqual(m.checksum, checksum({ subject: 'x' }));
    const kept: Record<string, unknown> = { subject: 'x', checksum: 7 };
    stampMessage(kept, 'h1');
    assert.equal(kept.checksum, 7);
  });

  it('is the MD5 of the YAML without the fields that change between repeats', () => {
    const a = checksum({ subject: 'x', key: 'k', lastupdate: 1, wubot_rulelog: ['h:r'], mailbox: 'm' });
    const b = checksum({ subject: 'x', key: 'k', lastupdate: 2 });
    assert.equal(a, b);
    assert.notEqual(a, checksum({ subject: 'y', key: 'k' }));
    assert.match(a, /^[0-9a-f]{32}$/);
  });

  it('is set at the first store only, before lastupdate and hostname', () => {
    const m: Record<string, unknown> = { subject: 'x' };
    stampMessage(m, 'h1');
    assert.equal(m.checksum, checksum({ subject: 'x' }));
    const kept = m.checksum;
    m.subject = 'changed';
    stampMessage(m, 'h2');
    assert.equal(m.checksum, kept);
    assert.equal(m.hostname, 'h1');
  });
});
