import { codes, type CodeName, type Severity } from './codes.js';
import type { Span } from './source.js';

/** Label marks a span with a short text. */
export interface Label {
  readonly span: Span;
  readonly text?: string;
}

/** Diagnostic is the one kind of finding every compiler stage reports. */
export interface Diagnostic {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly primary: Label;
  readonly secondary: readonly Label[];
  readonly notes: readonly string[];
  readonly hint?: string;
}

export interface DiagnosticExtras {
  label?: string;
  secondary?: Label[];
  notes?: string[];
  hint?: string;
}

/** diagnostic builds a Diagnostic for a registered code at a span. */
export function diagnostic(name: CodeName, span: Span, message: string, extras: DiagnosticExtras = {}): Diagnostic {
  const info = codes[name];
  return {
    code: info.code,
    severity: info.severity,
    message,
    primary: { span, text: extras.label },
    secondary: extras.secondary ?? [],
    notes: extras.notes ?? [],
    hint: extras.hint,
  };
}

/** hasErrors tells whether any diagnostic is an error. */
export function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === 'error');
}

/** sortDiagnostics orders diagnostics by file, then position, then code. */
export function sortDiagnostics(diags: readonly Diagnostic[]): Diagnostic[] {
  return [...diags].sort(
    (a, b) =>
      a.primary.span.file.path.localeCompare(b.primary.span.file.path) ||
      a.primary.span.start - b.primary.span.start ||
      a.code.localeCompare(b.code),
  );
}
