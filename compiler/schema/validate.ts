import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { Node } from 'yaml';
import { isMap } from 'yaml';
import type { CodeName } from '../diagnostics/codes.js';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { SourceFile } from '../diagnostics/source.js';
import { closest } from '../diagnostics/suggest.js';
import { nodeAtPath, nodeSpan, pairOf } from '../../grammar/yaml-source.js';

const ajv = new Ajv({ allErrors: true, strict: false });
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

/**
 * validateAgainst checks a value (the JS form of `node`) against a JSON Schema
 * and reports each violation at the YAML node it concerns.
 */
export function validateAgainst(
  schema: object,
  value: unknown,
  node: Node,
  file: SourceFile,
  codes: SchemaCodes,
  what: string,
): Diagnostic[] {
  const validate = validatorFor(schema);
  if (validate(value)) return [];
  const out: Diagnostic[] = [];
  for (const e of validate.errors ?? []) {
    const path = pathOf(e);
    const target = nodeAtPath(node, path) ?? node;
    const where = path.length ? `\`${path.join('.')}\`` : what;
    if (e.keyword === 'additionalProperties') {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const pair = isMap(target) ? pairOf(target, key) : undefined;
      const suggestion = closest(key, allowedKeys(e));
      out.push(
        diagnostic(codes.unknownKey, nodeSpan(file, (pair?.key as Node | undefined) ?? target), `unknown key \`${key}\` in ${where}`, {
          hint: suggestion ? `did you mean \`${suggestion}\`?` : `the keys allowed here are ${allowedKeys(e).map((k) => `\`${k}\``).join(', ')}`,
        }),
      );
    } else if (e.keyword === 'required') {
      const key = String((e.params as { missingProperty: string }).missingProperty);
      out.push(diagnostic(codes.missing, nodeSpan(file, target), `${where} is missing the required key \`${key}\``));
    } else if (e.keyword === '$ref' || e.keyword === 'if') {
      continue;
    } else {
      out.push(diagnostic(codes.type, nodeSpan(file, target), `${where} ${e.message ?? 'is invalid'}`));
    }
  }
  return out;
}

