import type { Span } from '../../grammar/diagnostics/source.js';
import { fieldsRead } from '../../grammar/ast.js';
import { walkRules, type RuleNode } from '../rule-tree.js';
import { ABSENT, factsKey, knownTrue, withFact, type Facts } from './abstract-message.js';
import { runTree, type Queued } from './abstract-rules.js';
import { queuePath, type HostPlan, type Topology } from './topology.js';

/*
 * Where messages can go: a graph whose nodes are a queue together with
 * what is known of a message in it, built from every host's reactor queue
 * to a fixed point. Its cycles are routing loops: a cycle whose every step
 * is taken whatever the message holds is an error; one that needs some
 * conditions to hold is a warning, with those conditions.
 */

/** Hop is one step of a route: a reactor rule queueing to a directory, or an XMPP link sending a queue to a host. */
export interface Hop {
  readonly kind: 'rule' | 'xmpp';
  readonly host: string;
  readonly from: string;
  readonly to: string;
  /** toHost is where the message lands: this host for a rule, the recipient's host for a link. */
  readonly toHost: string;
  readonly span: Span;
  readonly rule?: RuleNode;
  readonly user?: string;
}

interface Edge {
  readonly to: number;
  readonly hop: Hop;
  /** rules whose condition held only for some messages on the way to this hop */
  readonly guards: readonly RuleNode[];
}

interface StateNode {
  readonly host: string;
  readonly queue: string;
  readonly facts: Facts;
  readonly out: Edge[];
}

/** Loop is a cycle of hops, starting at its first host in name order. */
export interface Loop {
  readonly verdict: 'error' | 'warning';
  readonly hops: readonly Hop[];
  /** guards decide whether a message takes the loop (none for an error) */
  readonly guards: readonly RuleNode[];
  /** hosts: the hosts the loop passes, the first repeated at the end */
  readonly hosts: readonly string[];
}

export interface Analysis {
  readonly loops: Loop[];
  /** hops: every step any message may take, for drawing the topology */
  readonly hops: Hop[];
  /** incomplete: the graph reached maxStates and was not explored further; loops past it are not found */
  readonly incomplete: boolean;
}

/** MAX_STATES bounds the graph; past it the check stops exploring and says so (`incomplete`). */
const MAX_STATES = 200_000;

/** analyze finds the routing loops of a topology. */
export function analyze(topo: Topology, maxStates = MAX_STATES): Analysis {
  const byHost = new Map(topo.hosts.map((h) => [h.host, h]));
  // only fields that some condition reads can decide a route
  const relevant = new Set(['noforward', 'last_rule']);
  for (const h of topo.hosts) if (h.tree) walkRules(h.tree.rules, (r) => r.condition?.ast && fieldsRead(r.condition.ast, relevant));
  const nodes: StateNode[] = [];
  const index = new Map<string, number>();
  const work: number[] = [];
  const node = (host: string, queue: string, facts: Facts): number => {
    const key = `${host}\0${queue}\0${factsKey(facts)}`;
    let i = index.get(key);
    if (i === undefined) {
      i = nodes.length;
      nodes.push({ host, queue, facts, out: [] });
      index.set(key, i);
      work.push(i);
    }
    return i;
  };
  // messages from each host's monitor start at its reactor queue, knowing only that no rule stopped them
  const start = withFact(new Map(), 'last_rule', ABSENT);
  for (const h of topo.hosts) node(h.host, h.reactorQueue, start);
  const allHops = new Map<string, Hop>();
  while (work.length && nodes.length < maxStates) {
    const i = work.pop()!;
    const { host, queue, facts } = nodes[i];
    const h = byHost.get(host)!;
    for (const e of steps(h, queue, facts, byHost, relevant)) {
      const to = node(e.hop.toHost, e.hop.to, e.facts);
      nodes[i].out.push({ to, hop: e.hop, guards: e.guards });
      allHops.set(`${e.hop.host}\0${e.hop.from}\0${e.hop.to}\0${e.hop.span.file.path}:${e.hop.span.start}`, e.hop);
    }
  }
  return { loops: findLoops(nodes), hops: [...allHops.values()], incomplete: work.length > 0 };
}

/** steps lists where a message with `facts` in `queue` of host `h` goes next. */
function steps(h: HostPlan, queue: string, facts: Facts, byHost: ReadonlyMap<string, HostPlan>, relevant: ReadonlySet<string>): { hop: Hop; facts: Facts; guards: RuleNode[] }[] {
  const out: { hop: Hop; facts: Facts; guards: RuleNode[] }[] = [];
  const queuedBy = (host: HostPlan, queued: Queued[], from: string) => {
    for (const q of queued) {
      const hop: Hop = { kind: 'rule', host: host.host, from, to: queuePath(q.directory, host.home), toHost: host.host, span: q.rule.plugin?.span ?? q.rule.span, rule: q.rule };
      out.push({ hop, facts: q.run.facts, guards: q.run.guards.map((g) => g.rule) });
    }
  };
  if (queue === h.reactorQueue && h.tree) queuedBy(h, runTree(h.tree, { facts, guards: [] }, relevant).queued, queue);
  for (const l of h.links) {
    if (l.from !== queue || l.toHost === undefined) continue;
    const target = byHost.get(l.toHost)!;
    const hop: Hop = { kind: 'xmpp', host: h.host, from: queue, to: target.reactorQueue, toHost: target.host, span: l.span, user: l.user };
    // the link marks what it sends, and the receiving link what it receives, noforward
    const sent = withFact(facts, 'noforward', { value: 1 });
    const react = target.receivers.get(l.user);
    if (!react) {
      out.push({ hop, facts: sent, guards: [] });
      continue;
    }
    // the receiving instance's react: rules run first; what sets last_rule there is dropped
    const { queued, runs } = runTree(react, { facts: sent, guards: [] }, relevant);
    queuedBy(target, queued, target.reactorQueue);
    for (const run of runs) {
      if (knownTrue(run.facts.get('last_rule'))) continue;
      out.push({ hop, facts: withFact(run.facts, 'last_rule', ABSENT), guards: run.guards.map((g) => g.rule) });
    }
  }
  return out;
}

/** components are the strongly connected components of the graph restricted to `use`d edges (Tarjan, without recursion). */
function components(nodes: readonly StateNode[], use: (e: Edge) => boolean): number[][] {
  const idx = new Array<number>(nodes.length).fill(-1);
  const low = new Array<number>(nodes.length).fill(0);
  const onStack = new Array<boolean>(nodes.length).fill(false);
  const stack: number[] = [];
  const out: number[][] = [];
  let counter = 0;
  for (let root = 0; root < nodes.length; root++) {
    if (idx[root] !== -1) continue;
    const frames: { v: number; e: number }[] = [{ v: root, e: 0 }];
    idx[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = true;
    while (frames.length) {
      const f = frames[frames.length - 1];
      const edges = nodes[f.v].out;
      if (f.e < edges.length) {
        const edge = edges[f.e++];
        if (!use(edge)) continue;
        const w = edge.to;
        if (idx[w] === -1) {
          idx[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = true;
          frames.push({ v: w, e: 0 });
        } else if (onStack[w]) low[f.v] = Math.min(low[f.v], idx[w]);
        continue;
      }
      frames.pop();
      if (frames.length) low[frames[frames.length - 1].v] = Math.min(low[frames[frames.length - 1].v], low[f.v]);
      if (low[f.v] === idx[f.v]) {
        const comp: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = false;
          comp.push(w);
        } while (w !== f.v);
        const cyclic = comp.length > 1 || nodes[f.v].out.some((e) => use(e) && e.to === f.v);
        if (cyclic) out.push(comp);
      }
    }
  }
  return out;
}

/** cycleIn finds one cycle inside a component, as the edges it takes (breadth first, so a shortest one). */
function cycleIn(nodes: readonly StateNode[], comp: readonly number[], use: (e: Edge) => boolean): Edge[] {
  const inComp = new Set(comp);
  const start = Math.min(...comp);
  const prev = new Map<number, { from: number; edge: Edge }>();
  const queue = [start];
  for (let k = 0; k < queue.length; k++) {
    const v = queue[k];
    for (const e of nodes[v].out) {
      if (!use(e) || !inComp.has(e.to)) continue;
      if (e.to === start) {
        const path = [e];
        for (let w = v; w !== start; w = prev.get(w)!.from) path.unshift(prev.get(w)!.edge);
        return path;
      }
      if (!prev.has(e.to)) {
        prev.set(e.to, { from: v, edge: e });
        queue.push(e.to);
      }
    }
  }
  return [];
}

function findLoops(nodes: readonly StateNode[]): Loop[] {
  const loops = new Map<string, Loop>();
  const add = (edges: Edge[], verdict: Loop['verdict']) => {
    if (edges.length === 0) return;
    // start at the first host in name order, so a loop reads the same whichever state found it
    const hosts = edges.map((e) => e.hop.host);
    const first = hosts.indexOf([...hosts].sort()[0]);
    const hops = [...edges.slice(first), ...edges.slice(0, first)].map((e) => e.hop);
    // the same hops make the same loop, wherever the search entered it
    const key = hops
      .map((h) => `${h.host} ${h.span.file.path}:${h.span.start}`)
      .sort()
      .join(' ');
    if (loops.has(key)) return;
    const guards = [...new Set(edges.flatMap((e) => e.guards))];
    const path = hops.filter((h) => h.kind === 'xmpp').map((h) => h.host);
    const circle = path.length ? [...path, path[0]] : [hops[0].host, hops[0].host];
    loops.set(key, { verdict, hops, guards, hosts: circle });
  };
  // loops every message on them takes: only edges without guards
  const sure = (e: Edge) => e.guards.length === 0;
  for (const comp of components(nodes, sure)) add(cycleIn(nodes, comp, sure), 'error');
  // then the ones that depend on what a message holds
  const any = () => true;
  for (const comp of components(nodes, any)) {
    const edges = cycleIn(nodes, comp, any);
    add(edges, edges.every(sure) ? 'error' : 'warning');
  }
  return [...loops.values()].sort((a, b) => (a.verdict === b.verdict ? a.hosts.join().localeCompare(b.hosts.join()) : a.verdict === 'error' ? -1 : 1));
}
