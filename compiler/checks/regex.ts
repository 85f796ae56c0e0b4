import type { TranslatedRegex } from '../../grammar/perl-regex.js';
import { diagnostic, type Diagnostic } from '../../grammar/diagnostics/diagnostic.js';
import type { Span } from '../../grammar/diagnostics/source.js';

/** TranslatedOk is a pattern that translated. */
type TranslatedOk = Extract<TranslatedRegex, { ok: true }>;

/**
 * backtrackingRegex is the warning for a pattern only a backtracking engine
 * can run (RE2 runs all others in linear time), or undefined. `at` gives the
 * span of a range of the pattern.
 */
export function backtrackingRegex(t: TranslatedOk, at: (offset: number, length: number) => Span, regex: string): Diagnostic | undefined {
  if (t.re2 || !t.backtrack) return undefined;
  const b = t.backtrack;
  return diagnostic('regexBacktracks', at(b.offset, b.length), `regex \`${regex}\` may take unbounded time: ${b.message} needs a backtracking engine`, {
    notes: ['it runs with the time budget of a message (1 s by default); a message that runs past it goes to the dead-letter table with the rule name'],
    hint: 'without backreferences, lookaround, atomic groups and possessive quantifiers (and with `$` only at the end) the pattern runs on RE2, in linear time',
  });
}

/** regexDiagnostic reports a Perl regex that failed to translate, at the construct that failed. */
export function regexDiagnostic(t: Extract<TranslatedRegex, { ok: false }>, at: Span, regex: string): Diagnostic {
  if (t.unsupported) {
    return diagnostic('regexUnsupported', at, `regex \`${regex}\`: ${t.message}`, {
      hint: 'rewrite the pattern without this construct; wubot refuses to approximate a regex',
    });
  }
  return diagnostic('regexInvalid', at, `regex \`${regex}\` does not compile: ${t.message}`);
}

/** caseEscapes are the offsets of `\\Q`, `\\E`, `\\U`, `\\L`, `\\u` and `\\l` in a regex (an escaped backslash is skipped). */
export function caseEscapes(regex: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < regex.length - 1; i++) {
    if (regex[i] !== '\\') continue;
    if ('QEULul'.includes(regex[i + 1])) out.push(i);
    i++;
  }
  return out;
}

/**
 * caseEscapeDiagnostic warns of a `\\Q` (`\\E`, `\\U` …) at `at`: the original
 * reads a pattern from a variable, where these do nothing but stand for the
 * letter, so `\\Qa.b\\E` is the regex `Qa.bE`; wubot means the same.
 */
export function caseEscapeDiagnostic(regex: string, offset: number, at: Span): Diagnostic {
  const letter = regex[offset + 1];
  return diagnostic('regexCaseEscape', at, `\`\\${letter}\` in regex \`${regex}\` is the letter ${letter}, as in the original`, {
    notes: ['the original reads the pattern from a variable, where `\\Q…\\E` does not quote and `\\U`, `\\L`, `\\u`, `\\l` change no case: `\\Qa.b\\E` matches `QaxbE`'],
    hint: letter === 'Q' || letter === 'E' ? 'to match characters literally, escape each one: `a\\.b`' : `write the letters as they are to be matched (\`${letter}\` matches ${letter})`,
  });
}
