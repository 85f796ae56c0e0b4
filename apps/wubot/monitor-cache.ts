import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { Logger } from '../../runtime/pipeline-api.js';

/** cachePath is where an instance keeps its cache: `<home>/cache/<key>.yaml`, as the original. */
export function cachePath(home: string, key: string): string {
  return join(home, 'cache', `${key.replace(/[/\\]/g, '_')}.yaml`);
}

/** readCache reads an instance's cache; an unreadable one is renamed `.broken` and an empty cache is used. */
export function readCache(path: string, log: Logger): Record<string, unknown> {
  if (!existsSync(path)) return {};
  try {
    const v = parse(readFileSync(path, 'utf8')) as unknown;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    throw new Error('not a mapping');
  } catch (e) {
    renameSync(path, `${path}.broken`);
    log.error('instance cache is unreadable; moved it aside', { file: path, movedTo: `${path}.broken`, reason: (e as Error).message });
    return {};
  }
}

/** writeCache stores an instance's cache atomically, with its `lastupdate`. */
export function writeCache(path: string, cache: Record<string, unknown>): void {
  mkdirSync(join(path, '..'), { recursive: true });
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, stringify({ ...cache, lastupdate: Math.floor(Date.now() / 1000) }));
  renameSync(tmp, path);
}
