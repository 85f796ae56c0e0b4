import type { FieldFill, FieldLookup, FieldSplit } from './field-effects.js';
import type { Message, PluginContext, PluginInstance } from '../runtime/pipeline-api.js';

/** JsonSchema is a JSON Schema object, checked with ajv by the compiler. */
export type JsonSchema = Record<string, unknown>;

/** PluginExample is a documented use of a plugin; every example runs as a test. */
export interface PluginExample {
  readonly title: string;
  readonly config: Record<string, unknown>;
  readonly input: Message;
  readonly output: Message;
}

/** ConfigProblem is a problem with a plugin config beyond its schema, at a path inside the config. */
export interface ConfigProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
  readonly missing?: boolean;
  /** differs: not wrong, but the original read the value otherwise; a warning that says how. */
  readonly differs?: boolean;
}

/** RegexKey names a config key whose value is a Perl regex, so the compiler can check it. */
export interface RegexKey {
  readonly key: string;
  readonly dotall?: boolean;
}

/** FieldSet is a field given a value known when the rule compiles. */
export interface FieldSet {
  readonly field: string;
  readonly value: unknown;
  /** unlessTrue: a field that already holds a true value (in the Perl sense) keeps it. */
  readonly unlessTrue?: boolean;
}

/**
 * Effect is what a plugin does to a message, declared for a config so that
 * the optimizer and the loop analysis read it instead of knowing plugins by
 * name; the plugin tests check every example against it.
 */
export interface Effect {
  readonly sets?: readonly FieldSet[];
  readonly deletes?: readonly string[];
  /** copies: `to` gets the value of `from`, null when `from` is missing. */
  readonly copies?: readonly { readonly from: string; readonly to: string }[];
  /** lookups: `to` gets a table's entry for the text of `from` (field-effects.ts). */
  readonly lookups?: readonly FieldLookup[];
  /** fills: `to` gets a template filled in with fields (field-effects.ts). */
  readonly fills?: readonly FieldFill[];
  /** splits: a field's text split at commas into fields (field-effects.ts). */
  readonly splits?: readonly FieldSplit[];
  /** writes: other fields set or deleted to what only the message decides; 'any' when even which fields does. */
  readonly writes?: readonly string[] | 'any';
  /** queue: the queue directory the message is appended to, as written in the config. */
  readonly queue?: string;
  /**
   * exact: the copies, lookups, fills, splits, sets and deletes above (in that order) are all the
   * plugin does to a message, with no state or I/O: a compiled tree does
   * them in place of calling the plugin (the differential test holds the
   * two to the same result).
   */
  readonly exact?: boolean;
}

/** ANY_EFFECT is the effect of a plugin nothing is known of. */
export const ANY_EFFECT: Effect = { writes: 'any' };

/** changedFields lists every field an effect may set or delete, or 'any'; a name that is not text (a config the schema rejected) counts as 'any'. */
export function changedFields(e: Effect): readonly string[] | 'any' {
  if (e.writes === 'any') return 'any';
  const out = [
    ...(e.sets ?? []).map((s) => s.field),
    ...(e.deletes ?? []),
    ...(e.copies ?? []).map((c) => c.to),
    ...(e.lookups ?? []).map((l) => l.to),
    ...(e.fills ?? []).map((f) => f.to),
    ...(e.splits ?? []).flatMap((s) => s.to),
    ...(e.writes ?? []),
  ];
  return out.every((f) => typeof f === 'string') ? out : 'any';
}

/** PluginDef defines a reactor plugin as data plus its code. */
export interface PluginDef<C = Record<string, unknown>> {
  readonly name: string;
  readonly summary: string;
  readonly docs: string;
  /** schema of the plugin's `config:`; unknown keys are errors. */
  readonly schema: JsonSchema;
  readonly examples: readonly PluginExample[];
  readonly regexKeys?: readonly RegexKey[];
  /** check finds problems the schema cannot express, such as one of two keys being required. */
  check?(config: C): ConfigProblem[];
  /** effect is what the plugin does to a message with this config. */
  effect(config: C): Effect;
  create(config: C, ctx: PluginContext): PluginInstance;
}

/** definePlugin keeps the config type of a plugin definition while storing it untyped. */
export function definePlugin<C>(def: PluginDef<C>): PluginDef {
  return def as unknown as PluginDef;
}

/** requireOne reports when none of the alternative keys is present in a config. */
export function requireOne(config: object, keys: readonly string[]): ConfigProblem[] {
  if (keys.some((k) => (config as Record<string, unknown>)[k] !== undefined)) return [];
  return [{ path: [], message: `one of ${keys.map((k) => `\`${k}\``).join(', ')} is required`, missing: true }];
}
