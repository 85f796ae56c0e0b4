import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { repoRoot, tempDir } from '../../helpers.js';

/* The schemas editors get accept what the compiler accepts, and catch what it refuses. */
describe('wubotc schema', () => {
  const out = tempDir();
  const run = spawnSync(process.execPath, [join(repoRoot, 'dist', 'bin', 'wubotc.js'), 'schema', '--out', out], { encoding: 'utf8' });
  const load = (p: string) => JSON.parse(readFileSync(join(out, p), 'utf8')) as object;
  const ajv = new Ajv({ allErrors: true, strict: false });

  it('writes a rule-file schema and one per monitor plugin', () => {
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(readdirSync(join(out, 'instances')).sort(), ['Command', 'Directory', 'DiskSpace', 'FileTail', 'Idle', 'Pulse', 'RSS', 'Uptime', 'XMPP', 'XMPPPresence'].map((n) => `${n}.schema.json`));
  });

  it('accepts the example configs, and refuses a config key the plugin does not have', () => {
    const rules = ajv.compile(load('rule-file.schema.json'));
    for (const f of ['examples/config/reactor.yaml', 'examples/seed/config/reactor.yaml.central', 'examples/seed/config/reactor.yaml.laptop']) {
      assert.ok(rules(parse(readFileSync(join(repoRoot, f), 'utf8'))), `${f}: ${JSON.stringify(rules.errors)}`);
    }
    const typo = { rules: [{ name: 'x', plugin: 'SetField', config: { feild: 'a', value: 1 } }] };
    assert.ok(!rules(typo));
    assert.ok(rules.errors!.some((e) => e.keyword === 'additionalProperties' && (e.params as { additionalProperty: string }).additionalProperty === 'feild'));
    assert.ok(!rules({ rules: [{ name: 'x', plugin: 'SetFeild' }] }));
  });

  it('checks instance files, react: rules included', () => {
    const xmpp = ajv.compile(load('instances/XMPP.schema.json'));
    const central = parse(readFileSync(join(repoRoot, 'examples/seed/config/plugins/XMPP/link.yaml.central'), 'utf8')) as Record<string, unknown>;
    assert.ok(xmpp(central), JSON.stringify(xmpp.errors));
    assert.ok(!xmpp({ ...central, tls: 'sometimes' }));
    assert.ok(!xmpp({ ...central, react: [{ name: 'x', plugin: 'DeleteField', config: { fild: 'noforward' } }] }));
  });

  it('checks the web UI config', () => {
    const webui = ajv.compile(load('webui.schema.json'));
    assert.ok(webui({ listen: '127.0.0.1', port: 8470, notifications: { file: 'sqlite/n.sql', table: 'inbox' } }), JSON.stringify(webui.errors));
    assert.ok(!webui({ prot: 8470 }));
    assert.ok(!webui({ token: 'short' }));
  });
});
