import { ts } from 'ts-morph';
import { HELPERS_PACKAGE, helpersUrl } from './module.js';

/**
 * toJavaScript makes an emitted TypeScript module loadable by Node from
 * anywhere, as the module cache's are: its types stripped, and its helpers
 * imported from this build instead of the package (for tests and the bench).
 */
export function toJavaScript(code: string): string {
  const js = ts.transpileModule(code, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  return js.replace(`import { HELPERS } from ${JSON.stringify(HELPERS_PACKAGE)};`, `import { HELPERS } from ${JSON.stringify(helpersUrl())};`);
}
