import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyze, type Loop } from '../../../compiler/loops/analyze.js';
import { incompleteNote } from '../../../compiler/loops/report.js';
import { hostsOf, topology } from '../../../compiler/loops/topology.js';
import { repoRoot, wubotHome } from '../../helpers.js';

/* Topologies of several hosts in one config tree, each with the loops it has (or has not). */
const link = (me: string, to: string, directory = 'forward') => `account: ${me}@example.org\npassword: pw\ndirectory: ${directory}\nuser: ${to}@example.org\n`;
const FORWARD_ALL = 'rules:\n  - name: forward\n    plugin: MessageQueue\n    config: { directory: forward }\n';
const FORWARD_LOCAL = 'rules:\n  - name: forward\n    condition: noforward is false\n    plugin: MessageQueue\n    config: { directory: forward }\n';
const RELAY = 'rules:\n  - name: relay\n    plugin: DeleteField\n    config: { field: noforward }\n  - name: forward\n    condition: noforward is false\n    plugin: MessageQueue\n    config: { directory: forward }\n';

function loopsOf(files: Record<string, string>): Loop[] {
  const config = join(wubotHome('loops', files), 'config');
  return analyze(topology(new Map(hostsOf(config).map((h) => [h, config])))).loops;
}
const summary = (loops: Loop[]) => loops.map((l) => `${l.verdict} ${l.hosts.join(' → ')}`);

describe('wubotc check-loops', () => {
  it('A and B forwarding everything to each other: an error', () => {
    const loops = loopsOf({ 'reactor.yaml': FORWARD_ALL, 'plugins/XMPP/link.yaml.a': link('a', 'b'), 'plugins/XMPP/link.yaml.b': link('b', 'a') });
    assert.deepEqual(summary(loops), ['error a → b → a']);
    assert.deepEqual(
      loops[0].hops.map((h) => `${h.kind} ${h.host} ${h.span.file.path.split('/config/')[1]}:${h.span.file.position(h.span.start).line + 1}`),
      ['rule a reactor.yaml:3', 'xmpp a plugins/XMPP/link.yaml.a:4', 'rule b reactor.yaml:3', 'xmpp b plugins/XMPP/link.yaml.b:4'],
    );
  });

  it('says when it stopped at its bound of states instead of claiming there is no loop', () => {
    const config = join(wubotHome('loops', { 'reactor.yaml': FORWARD_ALL, 'plugins/XMPP/link.yaml.a': link('a', 'b'), 'plugins/XMPP/link.yaml.b': link('b', 'a') }), 'config');
    const topo = topology(new Map(hostsOf(config).map((h) => [h, config])));
    assert.equal(analyze(topo).incomplete, false);
    const cut = analyze(topo, 1);
    assert.equal(cut.incomplete, true);
    assert.match(incompleteNote(cut) ?? '', /stopped at its bound/);
  });

  it('A and B forwarding only what they did not receive: no loop', () => {
    assert.deepEqual(summary(loopsOf({ 'reactor.yaml': FORWARD_LOCAL, 'plugins/XMPP/link.yaml.a': link('a', 'b'), 'plugins/XMPP/link.yaml.b': link('b', 'a') })), []);
  });

  it('a receive-only instance whose queue is an absolute reactor path tells the home the rules\' queues are in', () => {
    // the rules queue to `forward` under the home; the links send /srv/wubot/forward: the same queue only with the home /srv/wubot
    const files = { 'reactor.yaml': FORWARD_ALL, 'plugins/XMPP/link.yaml.a': link('a', 'b', '/srv/wubot/forward'), 'plugins/XMPP/link.yaml.b': link('b', 'a', '/srv/wubot/forward') };
    assert.deepEqual(summary(loopsOf(files)), [], 'without a host telling its home, the queues differ');
    const inbox = (me: string) => `account: ${me}@example.org\npassword: pw\ndirectory: /srv/wubot/reactor\n`;
    assert.deepEqual(summary(loopsOf({ ...files, 'plugins/XMPP/inbox.yaml.a': inbox('a'), 'plugins/XMPP/inbox.yaml.b': inbox('b') })), ['error a → b → a']);
  });

  it('two hosts without a reactor whose links send their reactor queues to each other: an error', () => {
    assert.deepEqual(summary(loopsOf({ 'plugins/XMPP/link.yaml.a': link('a', 'b', 'reactor'), 'plugins/XMPP/link.yaml.b': link('b', 'a', 'reactor') })), ['error a → b → a']);
  });

  const seed = (eRules: string) => ({
    ...Object.fromEntries(['a', 'b', 'c', 'd'].map((h) => [`plugins/XMPP/link.yaml.${h}`, link(h, 'e', 'reactor')])),
    'reactor.yaml.e': eRules,
    'plugins/XMPP/link.yaml.e': link('e', 'f'),
    'reactor.yaml.f': 'rules:\n  - name: disks to a\n    condition: key matches ^Disk\n    plugin: MessageQueue\n    config: { directory: forward }\n',
    'plugins/XMPP/link.yaml.f': link('f', 'a'),
  });

  it("the seed's A–D → E → F, then F → A, with E relaying: a loop for the messages F sends on", () => {
    const loops = loopsOf(seed(RELAY));
    assert.deepEqual(summary(loops), ['warning a → e → f → a']);
    assert.deepEqual(
      loops[0].guards.map((g) => g.condition?.text),
      ['key matches ^Disk'],
    );
  });

  it("the seed's A–D → E → F, then F → A, with E forwarding only its own messages: no loop", () => {
    assert.deepEqual(summary(loopsOf(seed(FORWARD_LOCAL))), []);
  });

  it('relays that take noforward off for some keys only: a warning that names the condition', () => {
    const someKeys = 'rules:\n  - name: relay disks\n    condition: key equals Disk-root\n    plugin: DeleteField\n    config: { field: noforward }\n  - name: forward\n    condition: noforward is false\n    plugin: MessageQueue\n    config: { directory: forward }\n';
    const loops = loopsOf({ 'reactor.yaml': someKeys, 'plugins/XMPP/link.yaml.a': link('a', 'b'), 'plugins/XMPP/link.yaml.b': link('b', 'a') });
    assert.deepEqual(summary(loops), ['warning a → b → a']);
    assert.ok(loops[0].guards.some((g) => g.condition?.text === 'key equals Disk-root'));
  });

  it('a field set on the way that a later guard rejects breaks the cycle: no loop', () => {
    const a = 'rules:\n  - name: mark\n    plugin: SetField\n    config: { field: relayed, value: 1 }\n  - name: relay\n    plugin: DeleteField\n    config: { field: noforward }\n  - name: forward\n    condition: relayed is false\n    plugin: MessageQueue\n    config: { directory: forward }\n';
    assert.deepEqual(summary(loopsOf({ 'reactor.yaml': a, 'plugins/XMPP/link.yaml.a': link('a', 'b'), 'plugins/XMPP/link.yaml.b': link('b', 'a') })), []);
  });

  it('files for other hosts, and set-aside files, are not read: no loop', () => {
    const files = {
      'reactor.yaml': FORWARD_ALL,
      'plugins/XMPP/link.yaml.a': link('a', 'b'),
      'plugins/XMPP/link.yaml.disabled': link('b', 'a'),
      'plugins/XMPP/back.yaml.bak': link('b', 'a'),
      'plugins/Uptime/load.yaml.c': 'delay: 60\n',
    };
    const config = join(wubotHome('loops', files), 'config');
    assert.deepEqual(hostsOf(config), ['a', 'c']);
    assert.deepEqual(summary(loopsOf(files)), []);
  });

  it('wubotc check-loops prints each hop at its file:line, exits 1 on an error, and draws the topology', () => {
    const home = wubotHome('cli', { 'reactor.yaml': FORWARD_ALL, 'plugins/XMPP/link.yaml.a': link('a', 'b'), 'plugins/XMPP/link.yaml.b': link('b', 'a') });
    const run = (...args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'dist', 'bin', 'wubotc.js'), 'check-loops', join(home, 'config'), ...args], { encoding: 'utf8' });
    const text = run();
    assert.equal(text.status, 1);
    assert.match(text.stdout, /reactor\.yaml:3:13: error WB4001: routing loop a → b → a/);
    assert.match(text.stdout, /link\.yaml\.a:4:1: a: XMPP sends ~\/wubot\/forward to b@example.org \(host b\)/);
    const dot = run('--format', 'dot');
    assert.match(dot.stdout, /^digraph wubot \{/);
    assert.match(dot.stdout, /"a:~\/wubot\/forward" -> "b:~\/wubot\/reactor" \[label="XMPP → b@example.org", color=red/);
    const json = JSON.parse(run('--format', 'json').stdout) as { loops: { verdict: string; path: string[] }[] };
    assert.deepEqual(json.loops, [{ verdict: 'error', path: ['a', 'b', 'a'] }]);
  });

  it("a receiving link's react: rules count: one that takes noforward off makes A and B a loop", () => {
    const relayOnReceipt = (me: string, to: string) => `${link(me, to)}react:\n  - name: relay what comes in\n    plugin: DeleteField\n    config: { field: noforward }\n`;
    const loops = loopsOf({ 'reactor.yaml': FORWARD_LOCAL, 'plugins/XMPP/link.yaml.a': relayOnReceipt('a', 'b'), 'plugins/XMPP/link.yaml.b': link('b', 'a') });
    assert.deepEqual(summary(loops), []);
    const both = loopsOf({ 'reactor.yaml': FORWARD_LOCAL, 'plugins/XMPP/link.yaml.a': relayOnReceipt('a', 'b'), 'plugins/XMPP/link.yaml.b': relayOnReceipt('b', 'a') });
    assert.deepEqual(summary(both), ['error a → b → a']);
  });

  it('one host whose rule queues to its own reactor queue: an error, found by wubotc lint too', () => {
    const home = wubotHome('self', { 'reactor.yaml': 'rules:\n  - name: again\n    plugin: MessageQueue\n    config: { directory: reactor }\n' });
    const lint = spawnSync(process.execPath, [join(repoRoot, 'dist', 'bin', 'wubotc.js'), 'lint', home], { encoding: 'utf8' });
    assert.equal(lint.status, 1);
    assert.match(lint.stdout, /reactor\.yaml:3:13: error WB4001: routing loop/);
  });

  it('many runs that differ in a tested field are merged into one that knows less, and the loop is still found', () => {
    const stages = Array.from({ length: 40 }, (_, i) => `  - name: stage ${i}\n    condition: key equals K${i}\n    plugin: SetField\n    config: { field: stage, value: ${i} }\n`).join('');
    const a = `rules:\n${stages}  - name: late\n    condition: stage equals 39\n    plugin: SetField\n    config: { field: late, value: 1 }\n${FORWARD_ALL.slice('rules:\n'.length)}`;
    const loops = loopsOf({ 'reactor.yaml.a': a, 'reactor.yaml.b': FORWARD_ALL, 'plugins/XMPP/link.yaml.a': link('a', 'b'), 'plugins/XMPP/link.yaml.b': link('b', 'a') });
    assert.deepEqual(summary(loops), ['error a → b → a']);
  });
});
