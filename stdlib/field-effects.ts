import { own } from '../grammar/kinds/kind.js';
import { commaParts, fieldText, str, truthy } from '../grammar/perl-values.js';

/*
 * Field effects a plugin declares beyond setting, deleting and copying: a
 * table lookup (HashLookup) and a filled-in template (Template). Each is
 * data plus the one function that says what it does to a message; the
 * plugin runs that function, the loop analysis and the plugin tests call
 * it, and the emitter writes the same out in code (the differential test
 * holds the two together).
 */

/** FieldLookup: `to` gets the table's entry for the text of `from`, when `from` holds a true value whose text is a key of the table; otherwise nothing changes. */
export interface FieldLookup {
  readonly from: string;
  readonly to: string;
  readonly table: Readonly<Record<string, unknown>>;
}

/** lookUp does a lookup to a message. */
export function lookUp(l: FieldLookup, m: Record<string, unknown>): void {
  const v = own(m, l.from);
  if (!truthy(v)) return;
  const key = str(v);
  if (Object.hasOwn(l.table, key)) m[l.to] = l.table[key];
}

/** TemplatePart is a piece of a template: text as it is, or a field whose text goes there. */
export type TemplatePart = string | { readonly field: string };

/** FieldFill: `to` gets the parts one after another (see fieldText), read before `to` is written. */
export interface FieldFill {
  readonly to: string;
  readonly parts: readonly TemplatePart[];
}

/** filled is the text a fill gives a message. */
export function filled(f: FieldFill, m: Readonly<Record<string, unknown>>): string {
  let out = '';
  for (const p of f.parts) out += typeof p === 'string' ? p : fieldText(own(m, p.field));
  return out;
}

/** PLACEHOLDER is a template's `{$name}`. */
export const PLACEHOLDER = /\{\$([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** templateParts reads a template into parts: each `{$name}` is the field `name`, everything else is text. */
export function templateParts(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const m of template.matchAll(PLACEHOLDER)) {
    if (m.index > last) parts.push(template.slice(last, m.index));
    parts.push({ field: m[1] });
    last = m.index + m[0].length;
  }
  if (last < template.length) parts.push(template.slice(last));
  return parts;
}

/** fieldsOf lists the fields a fill reads. */
export function fieldsOf(f: FieldFill): string[] {
  return f.parts.flatMap((p) => (typeof p === 'string' ? [] : [p.field]));
}

/** FieldSplit: the text of `from`, split at commas, goes to the fields `to` from the right end: the last part to the last field; fields left without a part get null, extra leading parts are dropped. */
export interface FieldSplit {
  readonly from: string;
  readonly to: readonly string[];
}

/** splitInto does a split to a message. */
export function splitInto(s: FieldSplit, m: Record<string, unknown>): void {
  const parts = commaParts(own(m, s.from));
  for (let i = s.to.length - 1; i >= 0; i--) m[s.to[i]] = parts.pop() ?? null;
}
