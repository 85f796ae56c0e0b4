import { existsSync, readdirSync, type Dirent } from 'node:fs';
import { dirname, isAbsolute, join, posix } from 'node:path';
import { nodeSpan } from '../../grammar/yaml-nodes.js';
import { monitorPlugins } from '../../stdlib/monitors/index.js';
import type { InstanceLink } from '../../stdlib/monitor-plugin.js';
import { hostConfig, hostSuffix } from '../../runtime/config-tree.js';
import { shortHostname } from '../../runtime/hostname.js';
import { bareJid } from '../../runtime/xmpp/jid.js';
import { compile } from '../compile.js';
import { hasErrors, type Diagnostic } from '../../grammar/diagnostics/diagnostic.js';
import type { Span } from '../../grammar/diagnostics/source.js';
import { SET_ASIDE } from '../rule-files.js';
import type { RuleTree } from '../rule-tree.js';

/*
 * The hosts of a config tree, as queues and what moves messages between
 * them: each host's reactor rules (from its reactor queue to MessageQueue
 * directories) and its XMPP instances (from a directory to the reactor queue
 * of the host whose account is their `user`).
 */

/** Link is one XMPP instance: it sends the queue `from` to `to`'s account. */
export interface Link {
  readonly host: string;
  readonly from: string;
  readonly user: string;
  /** toHost is the host whose XMPP account `user` is, or undefined for someone outside. */
  toHost?: string;
  readonly span: Span;
}

/** HostPlan is what one host runs, with its queues as normalized paths. */
export interface HostPlan {
  readonly host: string;
  readonly home: string;
  readonly reactorQueue: string;
  readonly tree?: RuleTree;
  readonly links: Link[];
  readonly accounts: string[];
  /** receivers: the `react:` rules of the XMPP instance logged in as each account, run on what it receives */
  readonly receivers: Map<string, RuleTree | undefined>;
}

export interface Topology {
  readonly hosts: HostPlan[];
  /** problems are configs that could not be read (they are left out of the check). */
  readonly problems: Diagnostic[];
}

const NOT_HOSTS = new Set(SET_ASIDE);

/** treeHosts is the hosts a config tree names, or this machine's short hostname for a tree of one host. */
export function treeHosts(configDir: string): string[] {
  const named = hostsOf(configDir);
  return named.length ? named : [shortHostname()];
}

/** hostsOf lists the hosts a config tree names: the suffixes of its files that are not set-aside markers. */
export function hostsOf(configDir: string): string[] {
  const found = new Set<string>();
  const look = (dir: string, depth: number): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const name = entry.name;
      if (entry.isDirectory()) {
        if (depth < 2 && !name.startsWith('.')) look(join(dir, name), depth + 1);
        continue;
      }
      const s = hostSuffix(name);
      if (s && !NOT_HOSTS.has(s.toLowerCase()) && !s.endsWith('~')) found.add(s);
    }
  };
  look(configDir, 0);
  return [...found].sort();
}

/** queuePath normalizes a queue directory from a config: `~` stays symbolic unless the home tells what it is. */
export function queuePath(dir: string, home: string): string {
  const userHome = home.startsWith('~') ? '~' : dirname(home);
  if (dir === '~' || dir.startsWith('~/')) return posix.normalize(userHome + dir.slice(1));
  if (isAbsolute(dir)) return posix.normalize(dir);
  return posix.normalize(`${home}/${dir}`);
}


/** readTree reads a reactor rule file with its conditions parsed (the rest of what is wrong with it is lint's to report). */
function readTree(path: string): { tree?: RuleTree; errors: Diagnostic[] } {
  const c = compile(path, { optimize: false, until: 'parse' });
  const errors = c.diagnostics.filter((d) => d.severity === 'error');
  return { tree: errors.length ? undefined : c.tree, errors };
}

/** topology reads what every host of a config tree runs. `roots` maps each host to its config directory. */
export function topology(roots: ReadonlyMap<string, string>, homeOption?: string, known: ReadonlyMap<string, RuleTree> = new Map()): Topology {
  const problems: Diagnostic[] = [];
  // trees the caller has already (an editor's unsaved buffer), by file path
  const trees = new Map<string, RuleTree | undefined>(known);
  const hosts: HostPlan[] = [];
  // every host lists the same folders of a shared tree: list each once
  const listings = new Map<string, Dirent[]>();
  const list = (dir: string): Dirent[] => {
    let l = listings.get(dir);
    if (!l) listings.set(dir, (l = readdirSync(dir, { withFileTypes: true })));
    return l;
  };
  for (const [host, configDir] of roots) {
    const hc = hostConfig(configDir, host, { list, listIgnored: false });
    const links: Link[] = [];
    const accounts: string[] = [];
    const linked: { link: InstanceLink; userSpan: Span; react?: RuleTree }[] = [];
    for (const inst of hc.instances) {
      const def = monitorPlugins.get(inst.plugin);
      if (!def?.link) continue;
      try {
        // through the stages as lint reads it; a file that does not read is lint's to report, and the check goes on without it
        const read = compile(inst.path, { until: 'validate', instanceOf: inst.plugin }).files?.[0];
        if (!read) continue;
        const user = read.doc.root.pair('user')?.key;
        const c = read.data.react ? compile(inst.path, { optimize: false, until: 'parse', instanceOf: inst.plugin }) : undefined;
        const react = c && !hasErrors(c.diagnostics) ? c.tree : undefined;
        linked.push({ link: def.link(read.data), userSpan: nodeSpan(read.doc.file, user), react });
      } catch {
        // as above: what a plugin cannot make a link of is lint's to report
      }
    }
    const receivers = new Map<string, RuleTree | undefined>();
    // the home: given, or told by an absolute path to a reactor queue, or ~/wubot
    const told = linked.map((x) => x.link.queue).find((d): d is string => typeof d === 'string' && /^\/.*\/reactor\/?$/.test(d));
    const home = homeOption ?? (told ? posix.dirname(posix.normalize(told)) : '~/wubot');
    for (const { link, userSpan, react } of linked) {
      if (link.account) {
        accounts.push(bareJid(link.account));
        receivers.set(bareJid(link.account), react);
      }
      if (link.user !== undefined && link.queue !== undefined) links.push({ host, from: queuePath(link.queue, home), user: bareJid(link.user), span: userSpan });
    }
    let tree: RuleTree | undefined;
    if (hc.reactor && existsSync(hc.reactor)) {
      if (!trees.has(hc.reactor)) {
        const { tree: t, errors } = readTree(hc.reactor);
        problems.push(...errors);
        trees.set(hc.reactor, t);
      }
      tree = trees.get(hc.reactor);
    }
    hosts.push({ host, home, reactorQueue: queuePath('reactor', home), tree, links, accounts, receivers });
  }
  const byAccount = new Map<string, string>();
  for (const h of hosts) for (const a of h.accounts) byAccount.set(a, h.host);
  for (const h of hosts) for (const l of h.links) l.toHost = byAccount.get(l.user);
  return { hosts, problems };
}
