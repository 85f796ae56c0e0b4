import type { TranslatedRegex } from '../../runtime/perl-regex.js';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { Span } from '../diagnostics/source.js';

/** regexDiagnostic reports a Perl regex that failed to translate, at the construct that failed. */
export function regexDiagnostic(t: Extract<TranslatedRegex, { ok: false }>, at: Span, regex: string): Diagnostic {
  if (t.unsupported) {
    return diagnostic('regexUnsupported', at, `regex \`${regex}\`: ${t.message}`, {
      hint: 'rewrite the pattern without this construct; wubot refuses to approximate a regex',
    });
  }
  return diagnostic('regexInvalid', at, `regex \`${regex}\` does not compile: ${t.message}`);
}
