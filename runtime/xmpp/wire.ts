import { readPerlYaml } from '../../grammar/yaml-source.js';
import { asMessage } from '../message.js';
import { dumpPerlYaml } from '../perl-yaml.js';
import type { Message } from '../pipeline-api.js';
import { readSimpleYaml } from './simple-yaml.js';

/*
 * The original's XMPP body: base64 (MIME, 76-character lines) of the YAML of
 * the message, whose UTF-8 bytes are UTF-8 encoded a second time, exactly as
 * original Perl hosts send and expect it (see shared/reference/wire-format.md).
 */

/** MAX_BODY is the largest body accepted (base64 characters); larger ones are refused before decoding. */
export const MAX_BODY = 1024 * 1024;

function mimeBase64(bytes: Buffer): string {
  const b64 = bytes.toString('base64');
  let out = '';
  for (let i = 0; i < b64.length; i += 76) out += b64.slice(i, i + 76) + '\n';
  return out;
}

/** encodeBody writes a message as the body of an XMPP chat message, as the original does. */
export function encodeBody(m: Message): string {
  const once = Buffer.from(dumpPerlYaml(m), 'utf8');
  return mimeBase64(Buffer.from(once.toString('latin1'), 'utf8'));
}

/** WireError says why a body was refused. */
export class WireError extends Error {}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * decodeBody reads a body from an original or a wubot host: base64, undo the
 * second UTF-8 layer, UTF-8, then YAML (aliases limited, so a YAML bomb is
 * refused). It throws WireError for anything that is not a message.
 */
export function decodeBody(body: string, maxLength = MAX_BODY): Message {
  if (body.length > maxLength) throw new WireError(`body of ${body.length} characters is larger than ${maxLength}`);
  const compact = body.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) throw new WireError('body is not base64');
  let text: string;
  try {
    const outer = STRICT_UTF8.decode(Buffer.from(compact, 'base64'));
    // each character of the outer layer is one byte of the YAML's UTF-8; a sender that encoded once leaves wider characters
    text = /[^\u0000-\u00ff]/.test(outer) ? outer : STRICT_UTF8.decode(Buffer.from(outer, 'latin1'));
  } catch {
    throw new WireError('body is not UTF-8');
  }
  text = unindentBreaks(text);
  const simple = readSimpleYaml(text);
  if (simple) return simple;
  return parseYaml(text);
}

/**
 * unindentBreaks drops the indentation libyaml writes after a raw line or
 * paragraph separator (U+2028, U+2029), which YAML::XS reads as a line break
 * and a YAML 1.2 reader as text. libyaml writes them raw only in single
 * quotes, where no space of the text can follow a break, and in literal
 * blocks (where a space of the text right after one is lost here).
 */
function unindentBreaks(text: string): string {
  return /[\u2028\u2029]/.test(text) ? text.replace(/([\u2028\u2029]) +/g, '$1') : text;
}

/** parseYaml is the full reader, for what readSimpleYaml leaves: YAML as the original's YAML::XS reads it. */
export function parseYaml(text: string): Message {
  const r = readPerlYaml(text);
  if ('problem' in r) throw new WireError(`body is not ${r.syntax ? 'YAML' : 'a message'}: ${r.problem.message}`);
  const m = asMessage(r.value);
  if (!m) throw new WireError('body is not a YAML mapping');
  return m;
}
