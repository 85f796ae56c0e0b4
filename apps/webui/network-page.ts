import { html, raw } from 'hono/html';
import type { Html } from './layout.js';
import type { Network } from './network.js';

/** networkPage draws the hosts, their queues and what forwards between them, loops in red. */
export function networkPage(opts: { network: Network | undefined; configDir: string }): Html {
  const n = opts.network;
  if (!n) return html`<h1>Network</h1><p class="problem">There is no config tree at ${opts.configDir}.</p>`;
  const errors = n.loops.filter((l) => l.verdict === 'error').length;
  return html`<h1>Network</h1>
<p>${n.hosts.length} host${n.hosts.length === 1 ? '' : 's'} in ${opts.configDir}: ${n.hosts.join(', ')}.
${n.incomplete ? html`<span class="bad">${n.incomplete}.</span> ` : ''}
${n.unread > 0 ? html`<span class="bad">${n.unread} config file${n.unread === 1 ? '' : 's'} could not be read and ${n.unread === 1 ? 'is' : 'are'} left out (see below).</span> ` : ''}
${n.loops.length === 0
  ? html`<span class="ok">No routing loops${n.unread > 0 ? ' among the rest' : ''}.</span>`
  : html`<span class="bad">${n.loops.length} routing loop${n.loops.length === 1 ? '' : 's'}${errors ? ` (${errors} certain)` : ''}, drawn in red.</span>`}</p>
<figure class="network-picture">${raw(n.svg)}</figure>
${n.loops.length
  ? html`<section class="loops"><h2>Loops</h2><ol>${n.loops.map(
      (l) => html`<li class="loop ${l.verdict}"><strong>${l.verdict === 'error' ? 'loop' : 'possible loop'}: ${l.path}</strong><ul>${l.hops.map((h) => html`<li>${h}</li>`)}</ul></li>`,
    )}</ol></section>`
  : ''}
${n.report ? html`<section class="findings"><h2>What <code>wubotc check-loops</code> says</h2><pre class="report">${n.report}</pre></section>` : ''}`;
}
