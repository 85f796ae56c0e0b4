import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const REACTOR_FILE = /^reactor\.yaml(\.[A-Za-z0-9_-]+)?$/;
const IGNORED_SUFFIX = /\.(disabled|bak|orig|old|swp)$/;

/**
 * ruleFilesIn lists the reactor rule files of a path: the file itself, or the
 * `reactor.yaml` and `reactor.yaml.<host>` files of a config root (or of its
 * `config/` folder).
 */
export function ruleFilesIn(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  const dir = existsSync(join(path, 'config')) && statSync(join(path, 'config')).isDirectory() ? join(path, 'config') : path;
  return readdirSync(dir)
    .filter((n) => REACTOR_FILE.test(n) && !IGNORED_SUFFIX.test(n))
    .sort()
    .map((n) => join(dir, n));
}
