import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const REACTOR_FILE = /^reactor\.yaml(\.[A-Za-z0-9_-]+)?$/;
const INSTANCE_FILE = /\.yaml(\.[A-Za-z0-9_-]+)?$/;
const WEBUI_FILE = /^webui\.yaml(\.[A-Za-z0-9_-]+)?$/;
/** SET_ASIDE are the suffixes that mark a file put aside, not a host's file. */
export const SET_ASIDE = ['disabled', 'bak', 'orig', 'old', 'swp', 'save', 'tmp', 'example', 'sample', 'dist'];
const IGNORED_SUFFIX = new RegExp(`\\.(${SET_ASIDE.join('|')})$`);

/** ConfigFile is a file to compile: a reactor rule file, or a monitor instance of a plugin. */
export interface ConfigFile {
  readonly path: string;
  /** instanceOf is the monitor plugin of an instance file (from its `plugins/<Plugin>/` folder). */
  readonly instanceOf?: string;
  /** webui: the file is a web UI config (`webui.yaml[.<host>]`), not rules */
  readonly webui?: boolean;
}

/** configDir is the config folder of a root: its `config/` folder when it has one, else itself. */
export function configDir(path: string): string {
  return existsSync(join(path, 'config')) && statSync(join(path, 'config')).isDirectory() ? join(path, 'config') : path;
}

/** configFileOf tells what a single file is: a monitor instance when it lies in `plugins/<Plugin>/`, a web UI config, else a rule file. */
export function configFileOf(path: string): ConfigFile {
  const parent = dirname(path);
  if (basename(dirname(parent)) === 'plugins') return { path, instanceOf: basename(parent) };
  return WEBUI_FILE.test(basename(path)) && !IGNORED_SUFFIX.test(path) ? { path, webui: true } : { path };
}

/**
 * ruleFilesIn lists the reactor rule files of a path: the file itself, or the
 * `reactor.yaml` and `reactor.yaml.<host>` files of a config root (or of its
 * `config/` folder).
 */
export function ruleFilesIn(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  const dir = configDir(path);
  return readdirSync(dir)
    .filter((n) => REACTOR_FILE.test(n) && !IGNORED_SUFFIX.test(n))
    .sort()
    .map((n) => join(dir, n));
}

/**
 * configFilesIn lists what lint checks in a path: a file by itself (an
 * instance when it lies in `plugins/<Plugin>/`), or every host's reactor
 * files, web UI configs and monitor instances of a config root.
 */
export function configFilesIn(path: string): ConfigFile[] {
  if (!statSync(path).isDirectory()) return [configFileOf(path)];
  const files: ConfigFile[] = ruleFilesIn(path).map((p) => ({ path: p }));
  const dir = configDir(path);
  for (const name of readdirSync(dir).sort()) if (WEBUI_FILE.test(name) && !IGNORED_SUFFIX.test(name)) files.push({ path: join(dir, name), webui: true });
  const plugins = join(dir, 'plugins');
  if (!existsSync(plugins)) return files;
  for (const plugin of readdirSync(plugins).sort()) {
    const dir = join(plugins, plugin);
    if (!statSync(dir).isDirectory()) continue;
    for (const name of readdirSync(dir).sort()) {
      if (INSTANCE_FILE.test(name) && !IGNORED_SUFFIX.test(name)) files.push({ path: join(dir, name), instanceOf: plugin });
    }
  }
  return files;
}
