import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { bigTree } from './big-tree.js';

/** lspLatency opens a rule file of about `lines` lines in `wubotc lsp` and times, for `edits` edits, a change until its diagnostics arrive. */
export async function lspLatency(wubotc: string, dir: string, lines: number, edits = 7): Promise<{ lines: number; ms: number[] }> {
  // a big tree, and a forward rule last as most trees have (so the routing-loop check runs too)
  let text = bigTree(Math.ceil(lines / 12)) + '  - name: forward\n    condition: noforward is false\n    plugin: MessageQueue\n    config: { directory: forward }\n';
  const path = join(dir, 'config', 'reactor.yaml');
  mkdirSync(join(dir, 'config'), { recursive: true });
  writeFileSync(path, text);
  const uri = pathToFileURL(path).href;
  const child = spawn(process.execPath, [wubotc, 'lsp'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const rpc = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  let arrived: (() => void) | undefined;
  rpc.onNotification('textDocument/publishDiagnostics', () => {
    arrived?.();
  });
  rpc.listen();
  await rpc.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
  await rpc.sendNotification('initialized', {});
  const published = () => new Promise<void>((r) => (arrived = r));
  let wait = published();
  await rpc.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
  await wait;
  const ms: number[] = [];
  for (let i = 0; i < edits; i++) {
    // one condition changes; the whole file is checked again
    text = text.replace(/level > \d+/, `level > ${i + 1}`);
    wait = published();
    const t0 = performance.now();
    await rpc.sendNotification('textDocument/didChange', { textDocument: { uri, version: i + 2 }, contentChanges: [{ text }] });
    await wait;
    ms.push(performance.now() - t0);
  }
  await rpc.sendRequest('shutdown');
  await rpc.sendNotification('exit');
  rpc.dispose();
  return { lines: text.split('\n').length, ms };
}
