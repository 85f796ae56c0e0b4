import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Diagnostic } from '../compiler/diagnostics/diagnostic.js';
import { createRuntime, type HostOptions, type HostRuntime } from './host.js';
import type { CompiledModule, Pipeline } from './pipeline-api.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The compiler's own code: a cached module is stale when any of it changed. */
const COMPILER_DIRS = ['grammar', 'compiler/emit', 'compiler/optimize', 'stdlib', 'runtime'];

let fingerprint: string | undefined;

function compilerFingerprint(): string {
  if (fingerprint) return fingerprint;
  const h = createHash('sha256');
  for (const dir of COMPILER_DIRS) {
    const abs = join(root, dir);
    for (const name of readdirSync(abs).filter((n) => n.endsWith('.js')).sort()) {
      h.update(name).update(readFileSync(join(abs, name)));
    }
  }
  fingerprint = h.digest('hex');
  return fingerprint;
}

interface Manifest {
  fingerprint: string;
  optimize: boolean;
  files: { path: string; sha256: string }[];
  module: string;
}

function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** defaultCacheDir is where compiled modules are kept: $WUBOTC_CACHE, or ~/.cache/wubotc. */
export function defaultCacheDir(): string {
  return process.env.WUBOTC_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'wubotc');
}

function readManifest(path: string): Manifest | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

function fresh(m: Manifest, optimize: boolean): boolean {
  if (m.fingerprint !== compilerFingerprint() || m.optimize !== optimize) return false;
  try {
    return m.files.every((f) => sha256(readFileSync(f.path)) === f.sha256);
  } catch {
    return false;
  }
}

function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** LoadOptions say how to load a rule file as a pipeline. */
export interface LoadOptions extends HostOptions {
  readonly cacheDir?: string;
  readonly optimize?: boolean;
}

/** LoadedPipeline is a ready pipeline, or the diagnostics that prevented it. */
export type LoadedPipeline =
  | { ok: true; pipeline: Pipeline; runtime: HostRuntime; files: string[]; fromCache: boolean; diagnostics: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] };

/**
 * loadPipeline gives the compiled pipeline of a rule file. A cached module is
 * used when the compiler and every file the tree reads are unchanged; only
 * otherwise is the compiler loaded, so a cached start stays fast.
 */
export async function loadPipeline(path: string, opts: LoadOptions): Promise<LoadedPipeline> {
  const abs = resolve(path);
  const optimize = opts.optimize ?? true;
  const cacheDir = opts.cacheDir ?? defaultCacheDir();
  const key = sha256(`${abs}\n${optimize}`).slice(0, 24);
  const manifestPath = join(cacheDir, `${key}.json`);
  const host = { ...opts, baseDir: opts.baseDir ?? dirname(abs) };
  const cached = readManifest(manifestPath);
  if (cached && fresh(cached, optimize)) {
    const mod = (await import(pathToFileURL(join(cacheDir, cached.module)).href)) as CompiledModule;
    const runtime = createRuntime(host);
    const files = cached.files.map((f) => f.path);
    return { ok: true, pipeline: mod.default(runtime), runtime, files, fromCache: true, diagnostics: [] };
  }
  const { compile } = await import('../compiler/compile.js');
  const { hasErrors } = await import('../compiler/diagnostics/diagnostic.js');
  const { toJavaScript } = await import('../compiler/emit/transpile.js');
  const c = compile(path, { optimize });
  if (hasErrors(c.diagnostics) || !c.code) return { ok: false, diagnostics: c.diagnostics };
  mkdirSync(cacheDir, { recursive: true });
  const moduleName = `${key}-${c.sourceHash!.slice(0, 16)}.mjs`;
  writeAtomic(join(cacheDir, moduleName), toJavaScript(c.code));
  const manifest: Manifest = {
    fingerprint: compilerFingerprint(),
    optimize,
    files: c.tree!.files.map((f) => ({ path: resolve(f.path), sha256: sha256(f.text) })),
    module: moduleName,
  };
  writeAtomic(manifestPath, JSON.stringify(manifest, null, 2));
  const mod = (await import(pathToFileURL(join(cacheDir, moduleName)).href)) as CompiledModule;
  const runtime = createRuntime(host);
  const files = manifest.files.map((f) => f.path);
  return { ok: true, pipeline: mod.default(runtime), runtime, files, fromCache: false, diagnostics: c.diagnostics };
}
