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
  /** writes lists the fields the plugin may set or delete, or 'any' when that depends on the message. */
  writes(config: C): readonly string[] | 'any';
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
