import type { Diagnostic } from '../../grammar/diagnostics/diagnostic.js';
import { sortDiagnostics } from '../../grammar/diagnostics/diagnostic.js';
import type { SourceFile, Span } from '../../grammar/diagnostics/source.js';
import { redactLine, redactText, secretsIn } from '../../runtime/secrets.js';

const MAX_RENDERED = 100;

function where(span: Span): string {
  const { line, col } = span.file.position(span.start);
  return `${span.file.path}:${line + 1}:${col + 1}`;
}

const fileSecrets = new WeakMap<SourceFile, string[]>();

/** secretsOf lists the secret values of every file the diagnostics point into, to hide them wherever they are printed. */
function secretsOf(diags: readonly Diagnostic[]): string[] {
  const out = new Set<string>();
  for (const d of diags) {
    for (const { span } of [d.primary, ...d.secondary]) {
      let s = fileSecrets.get(span.file);
      if (!s) fileSecrets.set(span.file, (s = secretsIn(span.file.text)));
      for (const v of s) out.add(v);
    }
  }
  return [...out];
}

function caretBlock(span: Span, text: string | undefined, secrets: string[]): string[] {
  const { line, col: rawCol } = span.file.position(span.start);
  const end = span.file.position(span.end);
  const raw = span.file.lineText(line);
  const source = redactLine(raw, secrets);
  // a redaction before the caret moves it by as much as it changed the line's length there
  const before = redactLine(raw.slice(0, rawCol), secrets);
  const col = source.startsWith(before) ? before.length : rawCol;
  const width = end.line === line ? Math.max(1, end.col - rawCol) : Math.max(1, source.length - col);
  const shown = lineWindow(source, col, width);
  const gutter = String(line + 1);
  const pad = ' '.repeat(gutter.length);
  const prefix = shown.text.slice(0, shown.col).replace(/[^\t]/g, ' ');
  return [
    `${pad} |`,
    `${gutter} | ${shown.text}`,
    `${pad} | ${prefix}${'^'.repeat(shown.width)}${text ? ' ' + text : ''}`,
  ];
}

/** MAX_LINE: source lines longer than this are shown as a window of it around the caret (a condition can be 10,000 characters on one line). */
const MAX_LINE = 160;
/** LEAD: characters of the line shown before the caret in a window. */
const LEAD = 40;

/** lineWindow is the part of a long line around `col`, marked `…` where cut, with the caret's column and width in it. */
function lineWindow(source: string, col: number, width: number): { text: string; col: number; width: number } {
  if (source.length <= MAX_LINE) return { text: source, col, width };
  const from = Math.max(0, col - LEAD);
  const to = Math.min(source.length, from + MAX_LINE);
  const head = from > 0 ? '…' : '';
  return { text: head + source.slice(from, to) + (to < source.length ? '…' : ''), col: head.length + col - from, width: Math.max(1, Math.min(width, to - col)) };
}

/** renderText prints diagnostics as `path:line:col: severity CODE: message`, the line and a caret. */
export function renderText(diags: readonly Diagnostic[]): string {
  const sorted = sortDiagnostics(diags);
  const secrets = secretsOf(sorted);
  // source lines are redacted by where their values sit; what else quotes the source, by the values
  const hide = (t: string) => redactText(t, secrets);
  const out: string[] = [];
  for (const d of sorted.slice(0, MAX_RENDERED)) {
    out.push(hide(`${where(d.primary.span)}: ${d.severity} ${d.code}: ${d.message}`));
    out.push(...caretBlock(d.primary.span, d.primary.text && hide(d.primary.text), secrets));
    for (const s of d.secondary) {
      out.push(hide(`  ${where(s.span)}: ${s.text ?? ''}`.trimEnd()));
    }
    for (const n of d.notes) out.push(hide(`  = note: ${n}`));
    if (d.hint) out.push(hide(`  = hint: ${d.hint}`));
  }
  if (sorted.length > MAX_RENDERED) out.push(`${sorted.length - MAX_RENDERED} more diagnostics were not shown`);
  const errors = sorted.filter((d) => d.severity === 'error').length;
  const warnings = sorted.filter((d) => d.severity === 'warning').length;
  if (sorted.length > 0) out.push(`${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`);
  // source lines are redacted above by their shape; everything else (messages that quote the source) by the values
  return out.join('\n');
}

function jsonSpan(span: Span): object {
  const a = span.file.position(span.start);
  const b = span.file.position(span.end);
  return {
    file: span.file.path,
    start: { offset: span.start, line: a.line + 1, col: a.col + 1 },
    end: { offset: span.end, line: b.line + 1, col: b.col + 1 },
  };
}

/** toJson gives diagnostics as plain objects for tools; lines and columns are 1-based. */
export function toJson(diags: readonly Diagnostic[]): object[] {
  const sorted = sortDiagnostics(diags);
  const secrets = secretsOf(sorted);
  const hide = (t: string | undefined) => (t === undefined ? undefined : redactText(t, secrets));
  return sorted.map((d) => ({
    code: d.code,
    severity: d.severity,
    message: hide(d.message),
    span: jsonSpan(d.primary.span),
    label: hide(d.primary.text),
    secondary: d.secondary.map((s) => ({ span: jsonSpan(s.span), label: hide(s.text) })),
    notes: d.notes.map((n) => hide(n)),
    hint: hide(d.hint),
  }));
}
