import { diagnostic, type Diagnostic } from '../../grammar/diagnostics/diagnostic.js';
import { conditionSpan } from '../rule-tree.js';
import type { Analysis, Hop, Loop } from './analyze.js';

/** hopText says what one hop of a loop does. */
export function hopText(h: Hop): string {
  return h.kind === 'rule' ? `${h.host}: rule \`${h.rule?.name ?? '(unnamed)'}\` queues to ${h.to}` : `${h.host}: XMPP sends ${h.from} to ${h.user} (host ${h.toHost})`;
}

/** loopDiagnostic reports a loop at the rule that closes it (or, for a loop that depends on content, at the first condition that decides it). */
export function loopDiagnostic(loop: Loop): Diagnostic {
  const path = loop.hosts.join(' → ');
  const closing = [...loop.hops].reverse().find((h) => h.kind === 'rule') ?? loop.hops[loop.hops.length - 1];
  const secondary = loop.hops.map((h) => ({ span: h.span, text: hopText(h) }));
  if (loop.verdict === 'error') {
    return diagnostic('routingLoop', closing.span, `routing loop ${path}: every message that reaches it goes round forever`, {
      label: 'this closes the loop',
      secondary,
      hint: 'forward only what was not received from another host (`condition: noforward is false`), or stop relaying on one of these hosts',
    });
  }
  const deciding = loop.guards[0];
  const at = deciding?.condition?.ast ? conditionSpan(deciding.condition, { start: 0, end: deciding.condition.text.length }) : closing.span;
  return diagnostic('possibleRoutingLoop', at, `possible routing loop ${path}: messages for which these conditions hold go round forever`, {
    label: 'decides whether a message takes the loop',
    secondary,
    notes: loop.guards.map((g) => `rule \`${g.name ?? '(unnamed)'}\`: ${g.condition?.text ?? ''}`),
    hint: 'make sure no message passes all of these conditions, or mark relayed messages `noforward` before they reach the forward rule again',
  });
}

/** incompleteNote says that an analysis stopped at its bound, or is undefined when it did not. */
export function incompleteNote(a: Analysis): string | undefined {
  return a.incomplete ? 'the check stopped at its bound of message states: loops beyond it are not reported (check fewer hosts at a time with --hosts)' : undefined;
}

/** loopsDiagnostics are the findings of an analysis, one per loop. */
export function loopsDiagnostics(a: Analysis): Diagnostic[] {
  return a.loops.map(loopDiagnostic);
}

const quote = (s: string) => JSON.stringify(s);

/**
 * toDot draws every host's queues and the hops between them for Graphviz;
 * hops on a loop are red. `queues` adds queues no hop touches (a host's
 * reactor queue), so every host shows.
 */
export function toDot(a: Analysis, queues: readonly { host: string; queue: string }[] = []): string {
  const onLoop = new Set(a.loops.flatMap((l) => l.hops));
  const lines = ['digraph wubot {', '  rankdir=LR;', '  graph [fontname="sans-serif"];', '  node [shape=box, fontname="sans-serif"];', '  edge [fontname="sans-serif", fontsize=11];'];
  const byHost = new Map<string, Set<string>>();
  for (const [host, q] of [...a.hops.flatMap((h) => [[h.host, h.from], [h.toHost, h.to]] as const), ...queues.map((x) => [x.host, x.queue] as const)]) {
    if (!byHost.has(host)) byHost.set(host, new Set());
    byHost.get(host)!.add(q);
  }
  for (const [host, hostQueues] of [...byHost].sort(([x], [y]) => x.localeCompare(y))) {
    lines.push(`  subgraph ${quote(`cluster_${host}`)} {`, `    label=${quote(host)};`);
    for (const q of [...hostQueues].sort()) lines.push(`    ${quote(`${host}:${q}`)} [label=${quote(q)}];`);
    lines.push('  }');
  }
  for (const h of a.hops) {
    const label = h.kind === 'rule' ? `${h.rule?.name ?? ''}${h.rule?.condition ? `\\n${h.rule.condition.text}` : ''}` : `XMPP → ${h.user}`;
    const red = [...onLoop].some((l) => l.span.file === h.span.file && l.span.start === h.span.start && l.from === h.from) ? ', color=red, fontcolor=red' : '';
    lines.push(`  ${quote(`${h.host}:${h.from}`)} -> ${quote(`${h.toHost}:${h.to}`)} [label=${quote(label).replace(/\\\\n/g, '\\n')}${red}];`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}
