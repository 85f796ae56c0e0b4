import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { repoRoot, tempDir } from '../../helpers.js';

interface Published {
  uri: string;
  diagnostics: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; code: string; message: string; severity: number }[];
}

/* The language server driven over stdio as an editor drives it. */
describe('wubotc lsp', () => {
  const child = spawn(process.execPath, [join(repoRoot, 'dist', 'bin', 'wubotc.js'), 'lsp'], { stdio: ['pipe', 'pipe', 'inherit'] });
  let rpc: MessageConnection;
  const published: Published[] = [];
  const home = tempDir();
  const rules = join(home, 'config', 'reactor.yaml');
  const uri = pathToFileURL(rules).href;
  const next = async (n: number): Promise<Published> => {
    for (let t = 0; published.filter((p) => p.uri === uri).length < n && t < 200; t++) await new Promise((r) => setTimeout(r, 25));
    return published.filter((p) => p.uri === uri)[n - 1];
  };

  /** firstFor waits (up to 5 s) for the first diagnostics published for a document */
  const firstFor = async (docUri: string): Promise<Published | undefined> => {
    for (let t = 0; t < 200; t++) {
      const p = published.find((x) => x.uri === docUri);
      if (p) return p;
      await new Promise((r) => setTimeout(r, 25));
    }
    return undefined;
  };

  before(async () => {
    mkdirSync(join(home, 'config'), { recursive: true });
    writeFileSync(rules, '');
    rpc = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    rpc.onNotification('textDocument/publishDiagnostics', (p: Published) => {
      published.push(p);
    });
    rpc.listen();
    await rpc.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(home).href, capabilities: {} });
    await rpc.sendNotification('initialized', {});
  });

  after(async () => {
    await rpc.sendRequest('shutdown');
    await rpc.sendNotification('exit');
    await new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(null)));
    rpc.dispose();
  });

  it('underlines a broken condition where it is, and clears it once fixed', async () => {
    const broken = 'rules:\n  - name: load\n    condition: load01 >= 4 AND subject matches (\n    plugin: SetFeild\n    config: { field: x, value: 1 }\n';
    await rpc.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: broken } });
    const first = await next(1);
    assert.ok(first, 'no diagnostics published');
    const codes = first.diagnostics.map((d) => d.code).sort();
    assert.ok(codes.includes('WB3001'), JSON.stringify(first.diagnostics));
    const plugin = first.diagnostics.find((d) => d.code === 'WB3001')!;
    assert.deepEqual(plugin.range, { start: { line: 3, character: 12 }, end: { line: 3, character: 20 } });
    assert.match(plugin.message, /did you mean `SetField`/);
    const regex = first.diagnostics.find((d) => d.range.start.line === 2);
    assert.ok(regex && regex.range.start.character >= '    condition: load01 >= 4 AND subject matches '.length, JSON.stringify(first.diagnostics));
    const fixed = broken.replace('matches (', 'matches ^disk').replace('SetFeild', 'SetField');
    await rpc.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: fixed }] });
    assert.deepEqual((await next(2)).diagnostics, []);
  });

  it("shows a plugin's docs on hover", async () => {
    const hover = (await rpc.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 15 } })) as { contents: { value: string } } | null;
    assert.match(hover?.contents.value ?? '', /\*\*SetField\*\*: Set fields to constant values/);
    const key = (await rpc.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 6 } })) as { contents: { value: string } } | null;
    assert.match(key?.contents.value ?? '', /`condition`: when the rule fires/);
  });

  it('completes plugin names, the config keys of the plugin in hand, and condition operators and fields', async () => {
    const text = 'rules:\n  - name: a\n    condition: key equals x\n    plugin: \n  - name: b\n    plugin: SetField\n    config:\n      \n  - name: c\n    condition: \n';
    await rpc.sendNotification('textDocument/didChange', { textDocument: { uri, version: 3 }, contentChanges: [{ text }] });
    const labels = async (line: number, character: number) =>
      ((await rpc.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line, character } })) as { label: string }[]).map((i) => i.label);
    assert.ok((await labels(3, 12)).includes('MessageQueue'));
    assert.deepEqual((await labels(7, 6)).sort(), ['field', 'no_override', 'set', 'value']);
    const cond = await labels(9, 15);
    assert.ok(cond.includes('matches') && cond.includes('AND') && cond.includes('key'), cond.join());
    const withKey = text.replace('    config:\n      \n', '    config:\n      no_override: 1\n');
    await rpc.sendNotification('textDocument/didChange', { textDocument: { uri, version: 3 }, contentChanges: [{ text: withKey }] });
    const hover = (await rpc.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 7, character: 8 } })) as { contents: { value: string } } | null;
    assert.match(hover?.contents.value ?? '', /`no_override` \(SetField\): keep fields that already hold a true value/);
  });

  it('offers the did-you-mean as a quick fix, and follows rulesfile to its file', async () => {
    writeFileSync(join(home, 'config', 'more.yaml'), 'rules:\n  - name: more\n');
    const text = 'rules:\n  - name: a\n    plugin: SetFeild\n    config: { field: x, value: 1 }\n  - name: b\n    rulesfile: more.yaml\n';
    const count = published.filter((x) => x.uri === uri).length;
    await rpc.sendNotification('textDocument/didChange', { textDocument: { uri, version: 4 }, contentChanges: [{ text }] });
    const p = await next(count + 1);
    const d = p.diagnostics.find((x) => x.code === 'WB3001')!;
    const actions = (await rpc.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } })) as { title: string; edit: { changes: Record<string, { newText: string }[]> } }[];
    assert.equal(actions[0].title, 'Change to `SetField`');
    assert.equal(actions[0].edit.changes[uri][0].newText, 'SetField');
    const def = (await rpc.sendRequest('textDocument/definition', { textDocument: { uri }, position: { line: 5, character: 16 } })) as { uri: string } | null;
    assert.equal(def?.uri, pathToFileURL(join(home, 'config', 'more.yaml')).href);
  });

  it("shows the tree's routing loops at the rule that closes them", async () => {
    const text = 'rules:\n  - name: again\n    plugin: MessageQueue\n    config: { directory: reactor }\n';
    writeFileSync(rules, text);
    const count = published.filter((x) => x.uri === uri).length;
    await rpc.sendNotification('textDocument/didChange', { textDocument: { uri, version: 5 }, contentChanges: [{ text }] });
    const p = await next(count + 1);
    const loop = p.diagnostics.find((d) => d.code === 'WB4001');
    assert.ok(loop, JSON.stringify(p.diagnostics));
    assert.equal(loop.range.start.line, 2);
  });

  it('checks monitor instance files too, against their plugin', async () => {
    const link = join(home, 'config', 'plugins', 'XMPP', 'link.yaml');
    mkdirSync(join(home, 'config', 'plugins', 'XMPP'), { recursive: true });
    const text = 'account: me@example.org\npassword: pw\ndirectory: forward\ntls: sometimes\n';
    writeFileSync(link, text);
    const linkUri = pathToFileURL(link).href;
    await rpc.sendNotification('textDocument/didOpen', { textDocument: { uri: linkUri, languageId: 'yaml', version: 1, text } });
    const p = await firstFor(linkUri);
    assert.ok(p?.diagnostics.some((d) => d.range.start.line === 3 && d.severity === 1), JSON.stringify(p));
    const hover = (await rpc.sendRequest('textDocument/hover', { textDocument: { uri: linkUri }, position: { line: 0, character: 2 } })) as { contents: { value: string } } | null;
    assert.match(hover?.contents.value ?? '', /`account` \(XMPP\)/);
  });

  it('checks, explains and completes the web UI config', async () => {
    const file = join(home, 'config', 'webui.yaml');
    const text = 'listen: 127.0.0.1\nprot: 8470\nnotifications:\n  file: sqlite/n.sql\n\ntls:\n  \n';
    writeFileSync(file, text);
    const webuiUri = pathToFileURL(file).href;
    await rpc.sendNotification('textDocument/didOpen', { textDocument: { uri: webuiUri, languageId: 'yaml', version: 1, text } });
    const p = await firstFor(webuiUri);
    assert.deepEqual(
      p?.diagnostics.map((d) => [d.range.start.line, d.range.start.character, d.message.split('\n')[0]]),
      [
        [1, 0, 'unknown key `prot` in the web UI config'],
        [5, 4, '`tls` must be an object'],
      ],
    );
    const hover = (await rpc.sendRequest('textDocument/hover', { textDocument: { uri: webuiUri }, position: { line: 3, character: 3 } })) as { contents: { value: string } } | null;
    assert.match(hover?.contents.value ?? '', /`file` \(web UI\): the SQLite file a rule stores notifications in/);
    const labels = ((await rpc.sendRequest('textDocument/completion', { textDocument: { uri: webuiUri }, position: { line: 4, character: 0 } })) as { label: string }[]).map((i) => i.label);
    assert.deepEqual(labels.sort(), ['listen', 'notifications', 'port', 'series', 'tls', 'token']);
    const under = ((await rpc.sendRequest('textDocument/completion', { textDocument: { uri: webuiUri }, position: { line: 6, character: 2 } })) as { label: string }[]).map((i) => i.label);
    assert.deepEqual(under.sort(), ['cert', 'key']);
  });
});
