import { fileURLToPath } from 'node:url';
import { basename, dirname } from 'node:path';
import { CodeActionKind, createConnection, DiagnosticSeverity, TextDocuments, TextDocumentSyncKind, type Connection, type Diagnostic as LspDiagnostic, type Hover, type Range } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { reactorPlugins } from '../../stdlib/index.js';
import { monitorPlugins } from '../../stdlib/monitors/index.js';
import { lintFile, treeLoops } from '../../compiler/lint.js';
import { compile } from '../../compiler/compile.js';
import { hasErrors } from '../../grammar/diagnostics/diagnostic.js';
import { completionsAt, configPluginAt, rulesfileAt, webuiCompletionsAt, webuiKeys } from './editing.js';
import type { Diagnostic } from '../../grammar/diagnostics/diagnostic.js';
import type { Span } from '../../grammar/diagnostics/source.js';
import { configFileOf } from '../../compiler/rule-files.js';
import { ruleKeys } from '../../compiler/schema/rule-file-schema.js';
import { ruleEffect } from '../../compiler/optimize/writes.js';
import { walkRules, type RuleTree } from '../../compiler/rule-tree.js';

/*
 * `wubotc lsp`: the diagnostics `wubotc lint` gives, as an editor types,
 * with exact ranges (inside conditions too) and did-you-mean quick fixes;
 * the plugins' own docs on hover; completion of plugin names, config keys,
 * condition operators and fields; rulesfile to definition. The documents
 * are the editor's buffers, saved or not.
 */

function range(s: Span): Range {
  const a = s.file.position(s.start);
  const b = s.file.position(s.end);
  return { start: { line: a.line, character: a.col }, end: { line: b.line, character: b.col } };
}

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information } as const;

/** toLsp turns one of our diagnostics into the protocol's, with notes and hint in the message. */
export function toLsp(d: Diagnostic): LspDiagnostic {
  const more = [...d.notes.map((n) => `note: ${n}`), ...(d.hint ? [`hint: ${d.hint}`] : [])];
  // a did-you-mean hint becomes a quick fix: the suggestion replaces the range
  const suggestion = /^did you mean `([^`]+)`\?$/.exec(d.hint ?? '')?.[1];
  return {
    range: range(d.primary.span),
    severity: SEVERITY[d.severity],
    code: d.code,
    source: 'wubot',
    message: [d.message, ...more].join('\n'),
    data: suggestion ? { replacement: suggestion } : undefined,
  };
}

/** pathOf is the file path of a document URI (untitled buffers have none). */
function pathOf(uri: string): string | undefined {
  return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
}

/** hoverAt explains the word under the cursor: a plugin name, a rule key, or an instance file's key. */
function hoverAt(doc: TextDocument, line: number, character: number): Hover | null {
  const text = doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$/, '');
  const m = /^(\s*(?:-\s+)?)([A-Za-z_][A-Za-z0-9_]*)(\s*:\s*)(\S*)/.exec(text);
  if (!m) return null;
  const keyStart = m[1].length;
  const keyEnd = keyStart + m[2].length;
  const valueStart = keyEnd + m[3].length;
  const path = pathOf(doc.uri);
  const file = path ? configFileOf(path) : undefined;
  const instanceOf = file?.instanceOf;
  if (file?.webui) {
    const key = character >= keyStart && character <= keyEnd ? webuiKeys(doc.getText(), line, keyStart)[m[2]] : undefined;
    return key?.description ? { contents: { kind: 'markdown', value: `\`${m[2]}\` (web UI): ${key.description}` } } : null;
  }
  if (m[2] === 'plugin' && character >= valueStart && character <= valueStart + m[4].length) {
    const def = reactorPlugins.get(m[4]);
    return def ? { contents: { kind: 'markdown', value: `**${def.name}**: ${def.summary}\n\n${def.docs}` } } : null;
  }
  if (character < keyStart || character > keyEnd) return null;
  // a key of a rule's config: the description from its plugin's schema
  const configOf = reactorPlugins.get(configPluginAt(doc.getText(), line) ?? '');
  const configKey = (configOf?.schema.properties as Record<string, { description?: string }> | undefined)?.[m[2]];
  if (configOf && configKey?.description) return { contents: { kind: 'markdown', value: `\`${m[2]}\` (${configOf.name}): ${configKey.description}` } };
  const rule = ruleKeys[m[2]];
  if (rule && (m[1].length > 0 || !instanceOf)) return { contents: { kind: 'markdown', value: `\`${m[2]}\`: ${rule.description}` } };
  const def = instanceOf ? monitorPlugins.get(instanceOf) : undefined;
  const prop = (def?.schema.properties as Record<string, { description?: string }> | undefined)?.[m[2]];
  return prop?.description ? { contents: { kind: 'markdown', value: `\`${m[2]}\` (${def!.name}): ${prop.description}` } } : null;
}

/** serve runs the language server on a connection (stdio for `wubotc lsp`). */
export function serve(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  connection.onInitialize(() => ({
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      completionProvider: { triggerCharacters: [':', ' '] },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      definitionProvider: true,
    },
    serverInfo: { name: 'wubot' },
  }));
  const check = (doc: TextDocument) => {
    const path = pathOf(doc.uri);
    if (!path) return;
    const file = configFileOf(path);
    const text = doc.getText();
    const reactorFile = !file.instanceOf && /^reactor\.yaml(\.|$)/.test(basename(path));
    // a reactor file is compiled once, for its own findings and for the loop check below
    const compiled = reactorFile ? compile(path, { until: 'check', text }) : undefined;
    const found = compiled ? compiled.diagnostics : lintFile(file, text);
    // the tree's routing loops that close in this file (the others' files as saved); a loop closes at a
    // rule that writes to a queue, so a file without one closes none
    if (compiled?.tree && writesToQueue(compiled.tree) && !hasErrors(found)) found.push(...treeLoops(dirname(path), new Map([[path, compiled.tree]])));
    // only what concerns this buffer: findings in files it includes are shown when those are open
    const diagnostics = found.filter((d) => d.primary.span.file.path === path).map(toLsp);
    void connection.sendDiagnostics({ uri: doc.uri, diagnostics });
  };
  // on open too: the documents manager reports an opened buffer as changed content
  documents.onDidChangeContent((e) => check(e.document));
  documents.onDidClose((e) => void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] }));
  connection.onCompletion((p) => {
    const doc = documents.get(p.textDocument.uri);
    const path = pathOf(p.textDocument.uri);
    if (!doc) return [];
    const file = path ? configFileOf(path) : undefined;
    if (file?.webui) return webuiCompletionsAt(doc.getText(), p.position.line, p.position.character);
    return completionsAt(doc.getText(), p.position.line, p.position.character, file?.instanceOf);
  });
  connection.onCodeAction((p) =>
    p.context.diagnostics.flatMap((d) => {
      const replacement = (d.data as { replacement?: string } | undefined)?.replacement;
      if (!replacement) return [];
      return [{ title: `Change to \`${replacement}\``, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: true, edit: { changes: { [p.textDocument.uri]: [{ range: d.range, newText: replacement }] } } }];
    }),
  );
  connection.onDefinition((p) => {
    const doc = documents.get(p.textDocument.uri);
    const path = pathOf(p.textDocument.uri);
    return doc && path ? rulesfileAt(path, doc.getText(), p.position.line) : null;
  });
  connection.onHover((p) => {
    const doc = documents.get(p.textDocument.uri);
    return doc ? hoverAt(doc, p.position.line, p.position.character) : null;
  });
  documents.listen(connection);
  connection.listen();
}

/** lspCommand is `wubotc lsp`: the server on standard input and output. */
export function lspCommand(): Promise<number> {
  serve(createConnection(process.stdin, process.stdout));
  // runs until the editor closes the stream
  return new Promise((resolve) => process.stdin.once('end', () => resolve(0)));
}

/** writesToQueue tells whether any rule of a tree writes messages to a queue (as its plugin's effect declares). */
function writesToQueue(tree: RuleTree): boolean {
  let found = false;
  walkRules(tree.rules, (r) => (found ||= typeof ruleEffect(r).queue === 'string'));
  return found;
}
