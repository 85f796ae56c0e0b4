import { ts } from 'ts-morph';

/** toJavaScript strips the types from an emitted module so that Node can load it. */
export function toJavaScript(code: string): string {
  return ts.transpileModule(code, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
}
