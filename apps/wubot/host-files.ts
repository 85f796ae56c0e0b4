import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { instanceShape, loadRuleTree, type FileShape } from '../../compiler/stages/load.js';
import { webuiShape } from '../../compiler/schema/webui-schema.js';
import { monitorPlugins } from '../../stdlib/monitors/index.js';
import { hostConfig, hostFile, type HostConfig } from '../../runtime/config-tree.js';
import { configPath } from '../../runtime/paths.js';

/** LoadedFile is one file a host reads from its config, and why. */
export interface LoadedFile {
  readonly path: string;
  readonly why: string;
}

/** HostFiles is what a host loads: the config tree's choice of files, and every file read because of them. */
export interface HostFiles {
  readonly config: HostConfig;
  readonly files: LoadedFile[];
}

/**
 * hostFiles is the one answer to "which files does this host read": the
 * reactor rules and the instance files `hostConfig` picks, the rule files
 * they include, `webui.yaml[.<host>]`, and the PEM files these name
 * (`tls_ca`, `tls.cert`, `tls.key`). `wubot config show` prints it and
 * `wubot config export` copies it, so that what one host is given is what
 * it loads and nothing else (no other host's file, no editor backup).
 */
export function hostFiles(configDir: string, host: string): HostFiles {
  const config = hostConfig(configDir, host);
  const home = dirname(resolve(configDir));
  const files: LoadedFile[] = [];
  const seen = new Set<string>();
  const add = (path: string, why: string): void => {
    const abs = resolve(path);
    if (seen.has(abs)) return;
    seen.add(abs);
    files.push({ path: abs, why });
  };
  const withIncludes = (path: string, why: string, shape?: FileShape): Record<string, unknown> | undefined => {
    add(path, why);
    const loaded = loadRuleTree(path, undefined, undefined, shape);
    for (const f of loaded.tree.files) add(f.path, `included by ${why}`);
    return loaded.root;
  };
  if (config.reactor) withIncludes(config.reactor, 'the reactor rules');
  for (const i of config.instances) {
    const def = monitorPlugins.get(i.plugin);
    const root = withIncludes(i.path, `instance ${i.key}`, def && instanceShape(def));
    if (typeof root?.tls_ca === 'string') add(configPath(root.tls_ca, home), `tls_ca of ${i.key}`);
  }
  const webui = hostFile(configDir, 'webui.yaml', host);
  if (existsSync(webui)) {
    const tls = withIncludes(webui, 'the web UI config', webuiShape)?.tls as Record<string, unknown> | undefined;
    for (const k of ['cert', 'key'] as const) if (typeof tls?.[k] === 'string') add(configPath(tls[k], home), `tls.${k} of the web UI`);
  }
  return { config, files };
}

/** Exported is what `exportConfig` copied (paths relative to the config tree), and what it could not: files outside the tree. */
export interface Exported {
  readonly copied: string[];
  readonly outside: LoadedFile[];
}

/** exportConfig copies into `dest` exactly the files of the config tree that `host` loads (see hostFiles). */
export function exportConfig(configDir: string, host: string, dest: string): Exported {
  const root = resolve(configDir);
  const copied: string[] = [];
  const outside: LoadedFile[] = [];
  for (const f of hostFiles(configDir, host).files) {
    const rel = relative(root, f.path);
    if (rel.startsWith('..') || isAbsolute(rel)) {
      outside.push(f);
      continue;
    }
    if (!existsSync(f.path)) continue;
    mkdirSync(dirname(join(dest, rel)), { recursive: true });
    copyFileSync(f.path, join(dest, rel));
    copied.push(rel);
  }
  return { copied, outside };
}
