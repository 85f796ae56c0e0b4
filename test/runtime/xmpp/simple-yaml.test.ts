import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { dumpPerlYaml } from '../../../runtime/perl-yaml.js';
import { readSimpleYaml } from '../../../runtime/xmpp/simple-yaml.js';
import { parseYaml } from '../../../runtime/xmpp/wire.js';

/* The fast reader must read exactly what the full YAML parser reads, or step aside. */
describe('simple YAML reader', () => {
  // every YAML indicator, breaks and controls of YAML 1.1, and Perl's words for numbers
  const tricky = fc.constantFrom('a', 'Z', '_', '/', ' ', '-', '.', ',', ':', '#', "'", '"', '@', '0', '1', '9', 'e', 'E', 'x', 'o', '~', '[', ']', '{', '}', '|', '>', '<', '<<', '=', '!', '&', '*', '%', '?', '`', '\\', '$', ';', '^', '\n', '\r', '\t', '\u0000', '\u0085', '\u00a0', '\u2028', '\u2029', '\ufeff', '\uffff', 'é', '😀', '№', 'true', 'null', 'No', 'TRUE', 'False', '.inf', 'Inf', 'nan', '0x1F', '1e3', '0 but true', '007', '-0', '+1');
  const word = fc.array(tricky, { minLength: 0, maxLength: 8 }).map((xs) => xs.join(''));
  const plain = fc.stringMatching(/^[A-Za-z0-9_/][A-Za-z0-9 _./,()+=@'%:#?&-]{0,12}$/);
  const value = fc.oneof(plain, plain, plain, word, fc.integer(), fc.integer({ min: -1e16, max: 1e16 }), fc.double({ noNaN: true }), fc.array(fc.oneof(plain, word, fc.integer()), { maxLength: 3 }));
  const key = fc.oneof(plain, fc.constantFrom('subject', 'key', 'lastupdate', 'wubot_path', 'true', 'null', '__proto__', 'a.b', 'x-y'), word.filter((w) => w.length > 0));

  const agree = (messages: fc.Arbitrary<Record<string, unknown>>, runs: number): number => {
    let read = 0;
    fc.assert(
      fc.property(messages, (m) => {
        const text = dumpPerlYaml(m);
        const fast = readSimpleYaml(text);
        if (fast === undefined) return;
        read++;
        assert.deepEqual({ ...fast }, { ...parseYaml(text) }, text);
      }),
      { numRuns: runs },
    );
    return read;
  };

  it('agrees with the full parser on whatever it reads, tricky text included', () => {
    agree(fc.dictionary(key, value, { maxKeys: 4 }), 2000);
  });

  it('reads most messages of plain words, numbers and lists itself', () => {
    const field = fc.stringMatching(/^[a-z_][a-z0-9_.]{0,10}$/);
    const read = agree(fc.dictionary(field, fc.oneof(plain, fc.integer(), fc.array(plain, { minLength: 1, maxLength: 3 })), { minKeys: 1, maxKeys: 5 }), 1000);
    assert.ok(read > 300, `the fast reader read only ${read} of 1000`);
  });

  it('reads the usual message, and leaves nesting, block text and empty values to the full parser', () => {
    assert.deepEqual({ ...readSimpleYaml("---\nkey: Uptime-web1\nload01: 3\nsubject: 'load: 3'\nwubot_path:\n- web1@localhost\n") }, {
      key: 'Uptime-web1',
      load01: 3,
      subject: 'load: 3',
      wubot_path: ['web1@localhost'],
    });
    // what notifications say: percentages, URLs, apostrophes, accents, emoji (before, each of these took the full parser's 400 µs)
    const usual = { subject: 'disk space on / is 91% full', link: 'https://example.com/a?b=c&d=e#top', who: "it's Zoë's 😀", ratio: 'a:b', n: 12 };
    const text = dumpPerlYaml(usual);
    assert.deepEqual({ ...readSimpleYaml(text) }, usual, text);
    assert.deepEqual({ ...readSimpleYaml(text) }, { ...parseYaml(text) });
    for (const text of ['---\nconfig:\n  a: 1\n', '---\nbody: |-\n  two\n  lines\n', '---\nempty:\n', '---\ntrue: 1\n']) {
      assert.equal(readSimpleYaml(text), undefined, text);
    }
  });

  it('reads scalars as YAML::XS does, as the full parser does', () => {
    const text = '---\nflag: true\noff: false\nx: 1.5\ny: 1.50\nz: 007\nt: True\nn: Null\nh: 0x1F\np: +1\ne: 1e3\nb: 1e+20\n';
    const want = { flag: true, off: false, x: 1.5, y: '1.50', z: '007', t: 'True', n: 'Null', h: '0x1F', p: '+1', e: '1e3', b: 1e20 };
    assert.deepEqual({ ...parseYaml(text) }, want);
    const simple = text.replace('p: +1\n', '');
    const { p: _, ...rest } = want;
    assert.deepEqual({ ...readSimpleYaml(simple) }, rest);
  });
});
