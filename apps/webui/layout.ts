import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

/** Html is what a page template returns. */
export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const PAGES = [
  ['/', 'Inbox'],
  ['/graphs', 'Graphs'],
  ['/network', 'Network'],
] as const;

/** layout wraps a page's body in the document every page shares: title, navigation, styles, scripts. */
export function layout(opts: { title: string; path: string; host: string; body: Html; scripts?: string[] }): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title} · wubot ${opts.host}</title>
<link rel="stylesheet" href="/assets/webui.css">
${(opts.scripts ?? []).map((s) => (s.endsWith('.css') ? html`<link rel="stylesheet" href="${s}">` : html`<script src="${s}" defer></script>`))}
</head>
<body>
<header>
  <span class="brand">wubot <small>${opts.host}</small></span>
  <nav>${PAGES.map(([href, name]) => html`<a href="${href}"${opts.path === href ? html` aria-current="page"` : ''}>${name}</a>`)}</nav>
</header>
<main>
${opts.body}
</main>
</body>
</html>`;
}

/** query writes a query string from the values that are set. */
export function query(values: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v !== undefined && v !== '' && v !== false) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
