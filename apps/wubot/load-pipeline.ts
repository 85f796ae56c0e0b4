import { execFile } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { createRuntime, type HostOptions, type HostRuntime } from './host.js';
import { cacheEntry, defaultCacheDir, freshManifest, type Manifest } from '../../runtime/module-cache.js';
import type { CompiledModule, Pipeline } from '../../runtime/pipeline-api.js';

const compileWorker = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'wubotc', 'compile-to-cache.js');

/** LoadOptions say how to load a rule file as a pipeline. */
export interface LoadOptions extends HostOptions {
  readonly cacheDir?: string;
  readonly optimize?: boolean;
  /** instanceOf: load the `react:` rules of an instance of this monitor plugin. */
  readonly instanceOf?: string;
}

/** LoadedPipeline is a ready pipeline, or the rendered diagnostics that prevented it. */
export type LoadedPipeline =
  | { ok: true; pipeline: Pipeline; runtime: HostRuntime; files: string[]; fromCache: boolean; report: string }
  | { ok: false; report: string };

async function compileInChild(path: string, cacheDir: string, optimize: boolean, instanceOf: string): Promise<{ ok: boolean; report: string }> {
  const { stdout } = await promisify(execFile)(process.execPath, [compileWorker, path, cacheDir, String(optimize), instanceOf], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout) as { ok: boolean; report: string };
}

/**
 * loadPipeline gives the compiled pipeline of a rule file. A cached module is
 * used when the compiler and every file the tree reads are unchanged;
 * otherwise the tree is compiled in a separate process, so that the process
 * loading it never holds the compiler in memory.
 */
export async function loadPipeline(path: string, opts: LoadOptions): Promise<LoadedPipeline> {
  const optimize = opts.optimize ?? true;
  const entry = cacheEntry(path, optimize, opts.cacheDir ?? defaultCacheDir(), opts.instanceOf);
  let manifest: Manifest | undefined = freshManifest(entry, optimize);
  const fromCache = manifest !== undefined;
  let report = '';
  if (!manifest) {
    const result = await compileInChild(path, entry.dir, optimize, opts.instanceOf ?? '');
    report = result.report;
    if (!result.ok) return { ok: false, report };
    manifest = freshManifest(entry, optimize);
    if (!manifest) return { ok: false, report: `${path}: a rule file changed while it was compiled; try again` };
  }
  const mod = (await import(pathToFileURL(join(entry.dir, manifest.module)).href)) as CompiledModule;
  const runtime = createRuntime({ ...opts, baseDir: opts.baseDir ?? dirname(resolve(path)) });
  return { ok: true, pipeline: mod.default(runtime), runtime, files: manifest.files.map((f) => f.path), fromCache, report };
}
