import { compile } from '../../compiler/compile.js';
import { hasErrors } from '../../grammar/diagnostics/diagnostic.js';
import { renderText } from '../../compiler/diagnostics/render.js';
import { cacheEntry, writeCached } from '../../runtime/module-cache.js';

/*
 * Compiles one rule file into the module cache, in a process of its own, so
 * that the long-running reactor never holds the compiler (and TypeScript)
 * in memory. Prints one JSON line: { ok, report }.
 */
const [path, cacheDir, optimizeFlag, instanceOf] = process.argv.slice(2);
const optimize = optimizeFlag !== 'false';
const c = compile(path, { optimize, instanceOf: instanceOf || undefined, language: 'js' });
const report = c.diagnostics.length ? renderText(c.diagnostics) : '';
if (hasErrors(c.diagnostics) || !c.code) {
  process.stdout.write(JSON.stringify({ ok: false, report }) + '\n');
} else {
  writeCached(cacheEntry(path, optimize, cacheDir, instanceOf), c.code, c.sourceHash!, c.tree!.files, optimize);
  process.stdout.write(JSON.stringify({ ok: true, report }) + '\n');
}
