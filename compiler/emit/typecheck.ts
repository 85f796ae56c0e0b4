import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as TsMorph from 'ts-morph';
import { HELPERS_PACKAGE } from './module.js';

/** the pipeline types emitted modules import as "wubot/pipeline": the declarations next to this build's runtime */
const PIPELINE_TYPES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'runtime', 'pipeline-api.d.ts');
/** and the helpers they import as "wubot/helpers" */
const HELPER_TYPES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'grammar', 'module-helpers.d.ts');

/** ModuleSource is an emitted module and the name its problems are reported under. */
export interface ModuleSource {
  readonly name: string;
  readonly code: string;
}

/**
 * typeCheck checks emitted modules against the pipeline types as
 * `tsc --strict --noEmit` would, and gives each problem as
 * `name:line:col: message`. It is what ts-morph is here for: it loads all
 * of TypeScript, so only this check (wubotc compile --check, the tests)
 * loads it, never a compile.
 */
export function typeCheck(modules: readonly ModuleSource[]): string[] {
  const { Project, ts } = createRequire(import.meta.url)('ts-morph') as typeof TsMorph;
  const project = new Project({
    skipAddingFilesFromTsConfig: true,
    compilerOptions: {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ['lib.es2022.d.ts'],
      types: [],
      paths: { 'wubot/pipeline': [PIPELINE_TYPES], [HELPERS_PACKAGE]: [HELPER_TYPES] },
    },
  });
  // each module in a directory of its own, in memory
  const names = new Map(modules.map((m, i) => [project.createSourceFile(join('/wubot-typecheck', String(i), 'module.ts'), m.code), m.name]));
  const out: string[] = [];
  for (const d of project.getPreEmitDiagnostics()) {
    const file = d.getSourceFile();
    const start = d.getStart();
    const at = file && start !== undefined ? file.getLineAndColumnAtPos(start) : undefined;
    const where = file ? `${names.get(file) ?? file.getFilePath()}${at ? `:${at.line}:${at.column}` : ''}` : 'typescript';
    const text = d.getMessageText();
    out.push(`${where}: ${typeof text === 'string' ? text : ts.flattenDiagnosticMessageText(text.compilerObject, '\n')}`);
  }
  return out;
}
