import { editDistance } from '../grammar/diagnostics/suggest.js';

/*
 * The one place that says what is a secret and hides it, for every output:
 * log lines (fields and their text), diagnostics (source lines, messages,
 * text and JSON), and `config.*` fields copied onto messages. A value is
 * hidden by where it sits, not by how well its line is written: under any
 * key that is, contains or is a likely misspelling of a secret key (with or
 * without its colon, in block or flow style), and wherever a value that was
 * configured under such a key shows up again.
 */

export const REDACTED = '[redacted]';

/** keys whose value is a credential: passwords, tokens, and what channels authenticate with (a webhook URL is its own credential) */
const SECRET_PART = /pass(?:wo?r?d)?|secret|token|credential|webhook|authori[sz]ation|cookie|api[_-]?key|user_key/i;
const SECRET_WORDS = ['password', 'passwd', 'passphrase', 'secret', 'token'];

/** isSecretKey tells whether a key's value is a secret: it names one, or a word of it is a near miss of one (`pasword`, `secert`). */
export function isSecretKey(key: string): boolean {
  if (SECRET_PART.test(key)) return true;
  return key
    .split(/[^A-Za-z]+/)
    .some((w) => w.length >= 4 && SECRET_WORDS.some((s) => editDistance(w, s) <= (s.length >= 6 ? 2 : 1)));
}

/** Values shorter than this are not searched for in text: they would hide too much that is not secret. */
const MIN_KNOWN = 4;
const known = new Set<string>();

/** rememberSecrets notes the values under secret keys of a loaded config, at any depth, so they are hidden wherever they appear. */
export function rememberSecrets(data: unknown): void {
  for (const v of secretValues(data)) if (v.length >= MIN_KNOWN) known.add(v);
}

function secretValues(data: unknown, under = false): string[] {
  if (typeof data === 'string' && !under) return urlSecrets(data);
  if (typeof data === 'string' || typeof data === 'number') return under ? [String(data)] : [];
  if (data === null || typeof data !== 'object') return [];
  if (Array.isArray(data)) return data.flatMap((v) => secretValues(v, under));
  return Object.entries(data).flatMap(([k, v]) => secretValues(v, under || isSecretKey(k)));
}

const KEY = String.raw`[A-Za-z_][\w.-]*`;
/** A key at the start of a line, then its value after a colon, an `=` or just a space: the line's rest is the value. */
const LEADING = new RegExp(String.raw`^(\s*(?:-\s+)?(["']?)(${KEY})\2(?:\s*[:=]\s*|\s+))(\S.*)$`);
/** `key: value` anywhere in a line (flow mappings): the value ends at a comma, a closing bracket or the line's end. */
const INLINE = new RegExp(String.raw`((["']?)\b(${KEY})\2\s*[:=][ \t]*)("[^"]*"?|'[^']*'?|[^,{}[\]\s][^,}\]]*)`, 'g');

function hideKnown(text: string, more: Iterable<string>): string {
  let out = text;
  for (const s of [...known, ...more]) if (s.length >= MIN_KNOWN && out.includes(s)) out = out.split(s).join(REDACTED);
  return out;
}

function hideInline(line: string): string {
  return line.replace(INLINE, (all, head: string, _q: string, key: string) => (isSecretKey(key) ? `${head}${REDACTED}` : all));
}

/** redactLine hides the secrets of one source line of a config file (`more`: further values to hide, such as those of its file). */
export function redactLine(line: string, more: Iterable<string> = []): string {
  const m = LEADING.exec(line);
  const keyed = m && isSecretKey(m[3]) ? `${m[1]}${REDACTED}` : hideInline(line);
  return hideKnown(keyed, more);
}

/** URL_SECRET_PARAM names query parameters that carry credentials, besides the secret keys. */
const URL_SECRET_PARAM = /key|auth|sig|session|sid|code|hash|jwt|bearer|signature/i;
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)[^/?#@\s]*@/i;
const QUERY_PARAM = /([?&;])([^=&#;\s]+)=([^&#;\s]*)/g;
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;

/** redactUrl hides a URL's user and password (`user:pass@`) and the values of its query parameters that name secrets (`?token=…`). */
export function redactUrl(url: string): string {
  return url.replace(USERINFO, `$1${REDACTED}@`).replace(QUERY_PARAM, (all, sep: string, name: string) => (isSecretKey(name) || URL_SECRET_PARAM.test(name) ? `${sep}${name}=${REDACTED}` : all));
}

/** urlSecrets are the credentials a URL carries, decoded as a library might print them. */
function urlSecrets(url: string): string[] {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return [];
  }
  const out = [u.username, u.password].filter(Boolean).map(decodeURIComponent);
  for (const [k, v] of u.searchParams) if (isSecretKey(k) || URL_SECRET_PARAM.test(k)) out.push(v);
  return out;
}

/** redactText hides secrets in text that is not config source (messages, log text): `key: value` forms, credentials in URLs, known values. */
export function redactText(text: string, more: Iterable<string> = []): string {
  return hideKnown(text.split('\n').map((l) => hideInline(l.replace(URL_IN_TEXT, redactUrl))).join('\n'), more);
}

/** secretsIn lists the values a config file's text holds under secret keys, however its lines are written. */
export function secretsIn(text: string): string[] {
  const found: string[] = [];
  const unquote = (v: string) => v.trim().replace(/^(["'])(.*)\1$/, '$2');
  for (const line of text.split('\n')) {
    const m = LEADING.exec(line);
    if (m && isSecretKey(m[3])) found.push(unquote(m[4].replace(/\s+#.*$/, '')));
    for (const i of line.matchAll(INLINE)) if (isSecretKey(i[3])) found.push(unquote(i[4]));
  }
  return found.filter((v) => v.length >= MIN_KNOWN && !/^[{[]/.test(v));
}

/** redact hides, at any depth, the values of secret keys and known secret values in strings (log fields). */
export function redact(value: unknown): unknown {
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map(redact);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isSecretKey(k) ? REDACTED : redact(v)]));
}
