import type { Diagnostic } from './diagnostic.js';
import { sortDiagnostics } from './diagnostic.js';
import type { Span } from './source.js';

const MAX_RENDERED = 100;

function where(span: Span): string {
  const { line, col } = span.file.position(span.start);
  return `${span.file.path}:${line + 1}:${col + 1}`;
}

/** A `key: value` line whose key names a secret; its value is never printed. */
const SECRET_LINE = /^(\s*(?:-\s+)?["']?[\w.-]*(?:pass(?:word)?|secret|token)[\w.-]*["']?\s*:\s*)(\S.*)$/i;

/** redactLine hides the value of a config line that holds a secret. */
export function redactLine(line: string): string {
  return line.replace(SECRET_LINE, (_, key: string) => `${key}[redacted]`);
}

function caretBlock(span: Span, text: string | undefined): string[] {
  const { line, col } = span.file.position(span.start);
  const end = span.file.position(span.end);
  const source = redactLine(span.file.lineText(line));
  const width = end.line === line ? Math.max(1, end.col - col) : Math.max(1, source.length - col);
  const gutter = String(line + 1);
  const pad = ' '.repeat(gutter.length);
  const prefix = source.slice(0, col).replace(/[^\t]/g, ' ');
  return [
    `${pad} |`,
    `${gutter} | ${source}`,
    `${pad} | ${prefix}${'^'.repeat(width)}${text ? ' ' + text : ''}`,
  ];
}

/** renderText prints diagnostics as `path:line:col: severity CODE: message`, the line and a caret. */
export function renderText(diags: readonly Diagnostic[]): string {
  const sorted = sortDiagnostics(diags);
  const out: string[] = [];
  for (const d of sorted.slice(0, MAX_RENDERED)) {
    out.push(`${where(d.primary.span)}: ${d.severity} ${d.code}: ${d.message}`);
    out.push(...caretBlock(d.primary.span, d.primary.text));
    for (const s of d.secondary) {
      out.push(`  ${where(s.span)}: ${s.text ?? ''}`.trimEnd());
    }
    for (const n of d.notes) out.push(`  = note: ${n}`);
    if (d.hint) out.push(`  = hint: ${d.hint}`);
  }
  if (sorted.length > MAX_RENDERED) out.push(`${sorted.length - MAX_RENDERED} more diagnostics were not shown`);
  const errors = sorted.filter((d) => d.severity === 'error').length;
  const warnings = sorted.filter((d) => d.severity === 'warning').length;
  if (sorted.length > 0) out.push(`${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`);
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
  return sortDiagnostics(diags).map((d) => ({
    code: d.code,
    severity: d.severity,
    message: d.message,
    span: jsonSpan(d.primary.span),
    label: d.primary.text,
    secondary: d.secondary.map((s) => ({ span: jsonSpan(s.span), label: s.text })),
    notes: d.notes,
    hint: d.hint,
  }));
}
