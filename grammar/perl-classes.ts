/*
 * Perl's character classes on Unicode text, as the original's condition
 * parser and the regexes of configs see them (YAML::XS gives character
 * strings, so Perl uses Unicode rules).
 */

/** Perl's \w: alphabetic, marks, decimal digits, connector punctuation, join controls (inside `[…]`). */
export const PERL_WORD = '\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}';
/** Perl's \s (inside `[…]`), which unlike JavaScript's includes U+0085 and excludes U+FEFF. */
export const PERL_SPACE = '\\t\\n\\x0B\\f\\r \\x85\\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000';
