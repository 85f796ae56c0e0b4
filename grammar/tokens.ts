import { createToken, Lexer } from 'chevrotain';

/*
 * Tokens of the condition language. The original splits a condition text at
 * whitespace-delimited ` AND ` and ` OR `, so the separators carry their
 * whitespace and are tried before plain whitespace. Everything between
 * separators is one test, classified afterwards by its exact text.
 */

/** AndSep is ` AND ` with the whitespace around it. */
export const AndSep = createToken({ name: 'AndSep', pattern: /\s+AND\s+/, label: "' AND '", line_breaks: true });
/** OrSep is ` OR ` with the whitespace around it. */
export const OrSep = createToken({ name: 'OrSep', pattern: /\s+OR\s+/, label: "' OR '", line_breaks: true });
/** Ws is whitespace inside a test. */
export const Ws = createToken({ name: 'Ws', pattern: /\s+/, line_breaks: true });
/** Not is NOT followed by whitespace. */
export const Not = createToken({ name: 'Not', pattern: /NOT(?=\s)/, label: "'NOT'" });
/** Text is any other run of characters. */
export const Text = createToken({ name: 'Text', pattern: /\S+/ });

export const allTokens = [AndSep, OrSep, Ws, Not, Text];

/** conditionLexer is shared: lexers hold no state between calls. */
export const conditionLexer = new Lexer(allTokens, { positionTracking: 'onlyOffset', ensureOptimizations: false });
