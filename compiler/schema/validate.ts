import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { CodeName } from '../../grammar/diagnostics/codes.js';
import { diagnostic, type Diagnostic } from '../../grammar/diagnostics/diagnostic.js';
import type { SourceFile } from '../../grammar/diagnostics/source.js';
import { closest } from '../../grammar/diagnostics/suggest.js';
import { isYamlMap, nodeAtPath, nodeSpan, type YamlNode } from '../../grammar/yaml-nodes.js';

const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
const compiled = new WeakMap<object, ValidateFunction>();

function validatorFor(schema: object): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) {
    v = ajv.compile(schema);
    compiled.set(schema, v);
  }
  return v;
}

function pathOf(e: ErrorObject): string[] {
  return e.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function typeNames(types: string): string {
  return types
    .split(',')
    .map((t) => (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`))
    .join(' or ');
}

/** describe names the place a schema path points at: a rule, or a key inside one. */
function describe(path: readonly string[], what: string): string {
  if (path.length === 0) return what;
  const last = path[path.length - 1];
  const inRules = path.length >= 2 && (path[path.length - 2] === 'rules' || path[path.length - 2] === 'react') && /^\d+$/.test(last);
  if (inRules) return 'this rule';
  return `\`${last}\``;
}

/** Codes used for the three kinds of schema finding. */
export interface SchemaCodes {
  readonly type: CodeName;
  readonly unknownKey: CodeName;
  readonly missing: CodeName;
}

/** allowedKeys lists the property names a schema allows at a path, for did-you-mean suggestions. */
function allowedKeys(e: ErrorObject): string[] {
  const props = (e.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return props ? Object.keys(props) : [];
}

/** isValid tells whether a value meets a schema (the same validators validateAgainst uses). */
export function isValid(schema: object, value: unknown): boolean {
  return validatorFor(schema)(value);
}

/**
 * validateAgainst checks a value (the JS form of `node`) against a JSON Schema
 * and reports each violation at the YAML node it concerns.
 */
export function validateAgainst(
  schema: object,
  value: unknown,
  node: YamlNode,
  file: SourceFile,
  codes: SchemaCodes,
  what: string,
): Diagnostic[] {
  const validate = validatorFor(schema);
  if (validate(value)) return [];
  const out: Diagnostic[] = [];
  const errors = validate.errors ?? [];
  // a missing key that an unknown key is a typo of is reported once, at the typo
  const typos = new Set(
    errors
      .filter((e) => e.keyword === 'additionalProperties')
      .map((e) => `${e.instancePath}/${closest(String((e.params as { additionalProperty: string }).additionalProperty), allowedKeys(e)) ?? ''}`),
  );
  for (const e of errors) {
    const path = pathOf(e);
    const target = nodeAtPath(node, path) ?? node;
    const where = describe(path, what);
    if (e.keyword === 'additionalProperties') {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const pair = isYamlMap(target) ? target.pair(key) : undefined;
      const suggestion = closest(key, allowedKeys(e));
      out.push(
        diagnostic(codes.unknownKey, nodeSpan(file, pair?.key ?? target), `unknown key \`${key}\` in ${where}`, {
          hint: suggestion ? `did you mean \`${suggestion}\`?` : `the keys allowed here are ${allowedKeys(e).map((k) => `\`${k}\``).join(', ')}`,
        }),
      );
    } else if (e.keyword === 'required') {
      const key = String((e.params as { missingProperty: string }).missingProperty);
      if (typos.has(`${e.instancePath}/${key}`)) continue;
      out.push(diagnostic(codes.missing, nodeSpan(file, target), `${where} is missing the required key \`${key}\``));
    } else if (e.keyword === '$ref' || e.keyword === 'if') {
      continue;
    } else {
      const message = e.keyword === 'type' ? `must be ${typeNames(String((e.params as { type: string }).type))}` : e.message;
      out.push(diagnostic(codes.type, nodeSpan(file, target), `${where} ${message ?? 'is invalid'}`));
    }
  }
  return out;
}

