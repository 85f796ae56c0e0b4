import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';

/**
 * NetPair is two network namespaces of a test's own, joined by a veth pair:
 * a server side and a client side with addresses in a /24 that exists only
 * between them. Nothing they carry leaves the two namespaces.
 */
export interface NetPair {
  readonly server: string;
  readonly client: string;
  readonly serverAddress: string;
  /** exec is the command prefix that runs a program in a namespace */
  exec(ns: string): string[];
  /** cut drops every packet both ways, as a link gone dead without a word (the veth ends go down: netem is not in every kernel) */
  cut(): void;
  /** restore carries packets again */
  restore(): void;
  /** moveClient gives the client side a new address, as a laptop that joined another network: its old connections stay dead */
  moveClient(): void;
  remove(): void;
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
const inNs = (ns: string, ...args: string[]) => execFileSync('ip', ['netns', 'exec', ns, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });

/** netnsUnavailable says why namespaces cannot be made here (not root, no iproute2), or undefined when they can. */
export function netnsUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
  } catch {
    return 'ip (iproute2) is not installed';
  }
  return undefined;
}

/** makeNetPair makes the two namespaces and their link. */
export function makeNetPair(): NetPair {
  const tag = randomInt(1, 250);
  const id = `${process.pid % 10000}${tag}`;
  const server = `wbs${id}`;
  const client = `wbc${id}`;
  const net = `10.254.${tag}`;
  let clientHost = 2;
  ip('netns', 'add', server);
  ip('netns', 'add', client);
  for (const ns of [server, client]) inNs(ns, 'ip', 'link', 'set', 'lo', 'up');
  ip('link', 'add', `vs${id}`, 'netns', server, 'type', 'veth', 'peer', 'name', `vc${id}`, 'netns', client);
  inNs(server, 'ip', 'addr', 'add', `${net}.1/24`, 'dev', `vs${id}`);
  inNs(client, 'ip', 'addr', 'add', `${net}.${clientHost}/24`, 'dev', `vc${id}`);
  inNs(server, 'ip', 'link', 'set', `vs${id}`, 'up');
  inNs(client, 'ip', 'link', 'set', `vc${id}`, 'up');
  // both ends down: each side's kernel drops what it would send, and tells the other nothing
  const link = (state: 'up' | 'down') => {
    inNs(server, 'ip', 'link', 'set', `vs${id}`, state);
    inNs(client, 'ip', 'link', 'set', `vc${id}`, state);
  };
  return {
    server,
    client,
    serverAddress: `${net}.1`,
    exec: (ns) => ['ip', 'netns', 'exec', ns],
    cut: () => link('down'),
    restore: () => link('up'),
    moveClient: () => {
      inNs(client, 'ip', 'addr', 'del', `${net}.${clientHost}/24`, 'dev', `vc${id}`);
      clientHost++;
      inNs(client, 'ip', 'addr', 'add', `${net}.${clientHost}/24`, 'dev', `vc${id}`);
    },
    remove: () => {
      // deleting a namespace deletes the veth pair with it
      for (const ns of [server, client]) {
        try {
          ip('netns', 'del', ns);
        } catch {
          // already gone
        }
      }
    },
  };
}
