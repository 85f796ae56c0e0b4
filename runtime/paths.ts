import { homedir } from 'node:os';
import { resolve } from 'node:path';

/** configPath resolves a path from a config: `~` is the user's home, a relative path is under the wubot home. */
export function configPath(path: string, wubotHome: string): string {
  if (path === '~' || path.startsWith('~/')) return homedir() + path.slice(1);
  return resolve(wubotHome, path);
}
