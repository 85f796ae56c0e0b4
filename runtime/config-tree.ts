import { existsSync, readdirSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';

/*
 * A config tree in the original's layout: config/reactor.yaml[.<host>] and
 * config/plugins/<Plugin>/<name>.yaml[.<host>]. A file ending in
 * `.yaml.<suffix>` belongs to the host named by the suffix; other hosts (and
 * suffixes such as `disabled` or `bak`) do not load it.
 */

/** InstanceFile is one monitor instance this host loads. */
export interface InstanceFile {
  readonly plugin: string;
  readonly name: string;
  /** key is `<Plugin>-<name>`, as the original names an instance's messages. */
  readonly key: string;
  readonly path: string;
}

/** IgnoredFile is a file of the tree this host does not load, with why. */
export interface IgnoredFile {
  readonly path: string;
  readonly reason: string;
}

/** HostConfig is what one host loads from a config tree, and from which files. */
export interface HostConfig {
  readonly host: string;
  readonly configDir: string;
  readonly reactor?: string;
  readonly instances: InstanceFile[];
  readonly ignored: IgnoredFile[];
}

const SUFFIXED = /^(.*?)\.yaml\.(.+)$/;

/** hostSuffix is the host a file name is meant for (`x.yaml.web1` → `web1`), or undefined for a plain file. */
export function hostSuffix(name: string): string | undefined {
  return SUFFIXED.exec(name)?.[2];
}

const sorted = new WeakMap<Dirent[], Dirent[]>();
const nameSets = new WeakMap<Dirent[], Set<string>>();

/** sortedListing is a directory's entries by name (sorted once per listing, when a listing is shared). */
function sortedListing(list: List, dir: string): Dirent[] {
  const raw = list(dir);
  let s = sorted.get(raw);
  if (!s) sorted.set(raw, (s = [...raw].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))));
  return s;
}

function namesOf(entries: Dirent[]): Set<string> {
  let s = nameSets.get(entries);
  if (!s) nameSets.set(entries, (s = new Set(entries.map((e) => e.name))));
  return s;
}

/** List reads a directory with the kinds of its entries. */
export type List = (dir: string) => Dirent[];

const listDir: List = (dir) => readdirSync(dir, { withFileTypes: true });

function instancesOf(pluginDir: string, plugin: string, host: string, ignored: IgnoredFile[] | undefined, list: List): InstanceFile[] {
  const chosen = new Map<string, InstanceFile>();
  // one listing, with the kinds: a tree of hundreds of hosts' files is read once per host
  const entries = sortedListing(list, pluginDir);
  const names = namesOf(entries);
  for (const entry of entries) {
    const file = entry.name;
    // another host's file, the common case in a shared tree: skipped before anything is built for it
    if (!ignored && file.includes('.yaml.') && !file.endsWith(`.yaml.${host}`)) continue;
    const path = `${pluginDir}/${file}`;
    if (file.startsWith('.') || entry.isDirectory() || (entry.isSymbolicLink() && statSync(path).isDirectory())) continue;
    const suffixed = SUFFIXED.exec(file);
    let name: string;
    if (suffixed) {
      if (suffixed[2] !== host) {
        ignored?.push({ path, reason: `for host ${suffixed[2]}` });
        continue;
      }
      name = suffixed[1];
    } else if (file.endsWith('.yaml')) {
      name = file.slice(0, -'.yaml'.length);
      // the host's own file replaces the shared one
      if (names.has(`${file}.${host}`)) {
        ignored?.push({ path, reason: `replaced by ${file}.${host}` });
        continue;
      }
    } else {
      ignored?.push({ path, reason: 'not a .yaml file' });
      continue;
    }
    chosen.set(name, { plugin, name, key: `${plugin}-${name}`, path });
  }
  return [...chosen.values()];
}

/** hostFile is `<name>.<host>` in the config directory when it exists, else `<name>` (which may not exist either). */
export function hostFile(configDir: string, name: string, host: string): string {
  const own = join(configDir, `${name}.${host}`);
  return existsSync(own) ? own : join(configDir, name);
}

/** reactorFile is `reactor.yaml.<host>` when it exists, else `reactor.yaml` (which may not exist). */
export function reactorFile(configDir: string, host: string): string {
  return hostFile(configDir, 'reactor.yaml', host);
}

/** hostConfig lists what `host` loads from the config directory of a wubot home (`<home>/config`). */
export function hostConfig(configDir: string, host: string, opts: { list?: List; listIgnored?: boolean } = {}): HostConfig {
  const list = opts.list ?? listDir;
  // what a host does not load is listed for `wubot config show`; an analysis of hundreds of hosts skips it
  const ignored: IgnoredFile[] | undefined = opts.listIgnored === false ? undefined : [];
  const file = reactorFile(configDir, host);
  const reactor = existsSync(file) ? file : undefined;
  const instances: InstanceFile[] = [];
  const pluginsDir = join(configDir, 'plugins');
  if (existsSync(pluginsDir)) {
    for (const entry of sortedListing(list, pluginsDir)) {
      const dir = join(pluginsDir, entry.name);
      // a plugin folder may be a symbolic link to one
      const isDir = entry.isDirectory() || (entry.isSymbolicLink() && statSync(dir).isDirectory());
      if (!entry.name.startsWith('.') && isDir) instances.push(...instancesOf(dir, entry.name, host, ignored, list));
    }
  }
  return { host, configDir, reactor, instances, ignored: ignored ?? [] };
}
