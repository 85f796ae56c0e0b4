import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/*
 * The cache of compiled rule trees: one JavaScript module per tree and a
 * manifest naming every file the tree read, so that a start with unchanged
 * files never loads the compiler.
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The compiler's own code: a cached module is stale when any of it changed. */
const COMPILER_DIRS = ['grammar', 'compiler', 'stdlib'];

let fingerprint: string | undefined;

/** compilerFingerprint hashes the code that decides what a compiled module contains. */
export function compilerFingerprint(): string {
  if (fingerprint) return fingerprint;
  // the build's place too: a cached module imports its helpers from there
  const h = createHash('sha256').update(root);
  for (const dir of COMPILER_DIRS) {
    const files = (readdirSync(join(root, dir), { recursive: true }) as string[]).filter((n) => n.endsWith('.js')).sort();
    for (const name of files) h.update(name).update(readFileSync(join(root, dir, name)));
  }
  fingerprint = h.digest('hex');
  return fingerprint;
}

/** Manifest describes one cached module. */
export interface Manifest {
  fingerprint: string;
  optimize: boolean;
  files: { path: string; sha256: string }[];
  module: string;
}

/** sha256 is the hex digest of a text or bytes. */
export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** defaultCacheDir is where compiled modules are kept: $WUBOTC_CACHE, or ~/.cache/wubotc. */
export function defaultCacheDir(): string {
  return process.env.WUBOTC_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'wubotc');
}

/** CacheEntry is where one rule file's module and manifest live. */
export interface CacheEntry {
  readonly dir: string;
  readonly key: string;
  readonly manifestPath: string;
}

/** cacheEntry names the cache files of a rule file. */
export function cacheEntry(ruleFile: string, optimize: boolean, dir: string, instanceOf = ''): CacheEntry {
  const key = sha256(`${resolve(ruleFile)}\n${optimize}\n${instanceOf}`).slice(0, 24);
  return { dir, key, manifestPath: join(dir, `${key}.json`) };
}

/** freshManifest returns the manifest when the compiler and every file it names are unchanged. */
export function freshManifest(entry: CacheEntry, optimize: boolean): Manifest | undefined {
  let m: Manifest;
  try {
    m = JSON.parse(readFileSync(entry.manifestPath, 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
  if (m.fingerprint !== compilerFingerprint() || m.optimize !== optimize) return undefined;
  try {
    return m.files.every((f) => sha256(readFileSync(f.path)) === f.sha256) ? m : undefined;
  } catch {
    return undefined;
  }
}

function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** writeCached stores a compiled module and then its manifest, each atomically. */
export function writeCached(entry: CacheEntry, js: string, sourceHash: string, files: { path: string; text: string }[], optimize: boolean): Manifest {
  mkdirSync(entry.dir, { recursive: true });
  const module = `${entry.key}-${sourceHash.slice(0, 16)}.mjs`;
  writeAtomic(join(entry.dir, module), js);
  const manifest: Manifest = {
    fingerprint: compilerFingerprint(),
    optimize,
    files: files.map((f) => ({ path: resolve(f.path), sha256: sha256(f.text) })),
    module,
  };
  writeAtomic(entry.manifestPath, JSON.stringify(manifest, null, 2));
  return manifest;
}
