import { serve, type ServerType } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { html } from 'hono/html';
import { secureHeaders } from 'hono/secure-headers';
import type { Logger } from '../../runtime/pipeline-api.js';
import { hasSeriesTables, type SeriesInfo } from '../../runtime/series/series-db.js';
import { listSeries, readPoints } from '../../runtime/series/series-read.js';
import { Access } from './access.js';
import { charts, graphsPage, timeRange } from './graphs-page.js';
import { Inbox, InboxProblem, type Filter, type Listing } from './inbox.js';
import { inboxPage, noTableHint } from './inbox-page.js';
import { layout, query, type Html } from './layout.js';
import { NetworkView } from './network.js';
import { BadRequest, flag, integer, integers, text, texts, time, type Params } from './params.js';
import { networkPage } from './network-page.js';
import type { WebuiConfig } from './webui-config.js';

const require = createRequire(import.meta.url);
const ASSETS_DIR = fileURLToPath(new URL('../../../apps/webui/assets/', import.meta.url));

/** ASSETS are the files the pages load: ours, and uPlot's as its package ships them (no build step). */
const ASSETS: Record<string, { path: string; type: string }> = {
  'webui.css': { path: `${ASSETS_DIR}webui.css`, type: 'text/css; charset=utf-8' },
  'graphs.js': { path: `${ASSETS_DIR}graphs.js`, type: 'text/javascript; charset=utf-8' },
  'uPlot.min.css': { path: require.resolve('uplot/dist/uPlot.min.css'), type: 'text/css; charset=utf-8' },
  'uPlot.iife.min.js': { path: require.resolve('uplot/dist/uPlot.iife.min.js'), type: 'text/javascript; charset=utf-8' },
};

/** MAX_POINTS bounds what one chart asks for, whatever width it claims. */
const MAX_POINTS = 4000;

const now = () => Math.floor(Date.now() / 1000);

/** MAX_ROW bounds a row id or a page number a request may name. */
const MAX_ROW = Number.MAX_SAFE_INTEGER;

function filterOf(q: Params): Filter {
  return { key: text(q, 'key'), host: text(q, 'host'), mailbox: text(q, 'mailbox'), all: flag(q, 'all'), page: integer(q, 'page', 1, 1_000_000) ?? 1, upto: integer(q, 'upto', 0, MAX_ROW) || undefined };
}

/** app builds the web UI's routes over a config. */
function webuiApp(config: WebuiConfig, hostname: string, log: Logger): { app: Hono; close: () => void } {
  const access = new Access(config.token, config.tls !== undefined);
  const inbox = new Inbox(config.notificationsFile, config.notificationsTable);
  const network = new NetworkView(config.configDir);
  let seriesDb: Database.Database | undefined;
  /** series is the series file, or undefined while there is none; a file SQLite cannot read is an Error that says which */
  const series = (): Database.Database | undefined => {
    try {
      if (!seriesDb && existsSync(config.seriesFile)) seriesDb = new Database(config.seriesFile, { readonly: true, fileMustExist: true });
      return seriesDb && hasSeriesTables(seriesDb) ? seriesDb : undefined;
    } catch (e) {
      seriesDb?.close();
      seriesDb = undefined;
      throw new Error(`cannot read the series in ${config.seriesFile}: ${(e as Error).message}`);
    }
  };
  const assets = new Map(Object.entries(ASSETS).map(([name, a]) => [name, { body: readFileSync(a.path), type: a.type }]));

  const page = (c: Context, title: string, body: Html, scripts?: string[], status: 200 | 400 | 401 | 404 | 500 = 200) =>
    c.html(layout({ title, path: c.req.path, host: hostname, body, scripts }), status);
  const signInPage = (c: Context, failed: boolean) =>
    page(
      c,
      'Sign in',
      html`<h1>Sign in</h1>${failed ? html`<p class="problem">That is not the token.</p>` : ''}
<form method="post" action="/login" class="login">
  <input type="hidden" name="next" value="${c.req.path === '/login' ? '/' : c.req.path + new URL(c.req.url).search}">
  <label>token <input type="password" name="token" autocomplete="current-password" autofocus required></label>
  <button type="submit">Sign in</button>
</form>`,
      undefined,
      401,
    );

  const app = new Hono();
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: { defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:'], frameAncestors: ["'none'"], formAction: ["'self'"] },
      referrerPolicy: 'no-referrer',
    }),
  );
  app.use('*', access.guard(signInPage));
  app.use('*', bodyLimit({ maxSize: 64 * 1024, onError: (c) => c.text('request too large\n', 413) }));

  app.get('/assets/:name', (c) => {
    const a = assets.get(c.req.param('name'));
    if (!a) return c.notFound();
    return c.body(a.body, 200, { 'content-type': a.type, 'cache-control': 'max-age=3600' });
  });

  // browsers ask for it on every page; there is none
  app.get('/favicon.ico', (c) => c.body(null, 204));

  app.post('/login', async (c) => {
    const form = await c.req.parseBody();
    if (typeof form.token !== 'string' || !access.tokenMatches(form.token)) {
      log.warn('web UI sign-in refused', { from: getConnInfo(c).remote.address });
      await new Promise((r) => setTimeout(r, 500));
      return signInPage(c, true);
    }
    access.signIn(c);
    const next = typeof form.next === 'string' && /^\/(?![/\\])/.test(form.next) ? form.next : '/';
    return c.redirect(next, 303);
  });

  app.get('/', (c) => {
    const filter = filterOf(c.req.queries());
    let listing: Listing | undefined;
    let problem: string | undefined;
    try {
      listing = inbox.list(filter);
      if (!listing) problem = noTableHint(config.notificationsFile, config.notificationsTable);
    } catch (e) {
      if (!(e instanceof InboxProblem)) throw e;
      problem = e.message;
    }
    const n = integer(c.req.queries(), 'marked', 0, MAX_ROW);
    const notice = n !== undefined ? `Marked ${n} notification${n === 1 ? '' : 's'} seen.` : undefined;
    listing ??= { items: [], more: 0, page: 1, upto: 0, choices: { key: [], host: [], mailbox: [] } };
    return page(c, 'Inbox', inboxPage({ listing, filter, postKey: access.postKey, now: now(), notice, problem }));
  });

  const afterMark = (c: Context, form: Params, marked: number) => {
    const f = filterOf(form);
    return c.redirect(`/${query({ key: f.key, host: f.host, mailbox: f.mailbox, all: f.all ? '1' : undefined, marked })}`, 303);
  };

  app.post('/notify/seen', async (c) => {
    const form = await c.req.parseBody({ all: true });
    if (!access.postAllowed(c, form)) return c.text('this form has expired or did not come from this web UI: reload the page\n', 403);
    const marked = inbox.markSeen(integers(form, 'id', 0, MAX_ROW), integer(form, 'upto', 0, MAX_ROW) ?? 0);
    return afterMark(c, form, marked);
  });

  app.post('/notify/seen-all', async (c) => {
    const form = await c.req.parseBody();
    if (!access.postAllowed(c, form)) return c.text('this form has expired or did not come from this web UI: reload the page\n', 403);
    const marked = inbox.markAllSeen(filterOf(form), integer(form, 'upto', 0, MAX_ROW) ?? 0);
    return afterMark(c, form, marked);
  });

  app.get('/graphs', (c) => {
    let all: SeriesInfo[] = [];
    let problem: string | undefined;
    try {
      const db = series();
      if (db) all = listSeries(db);
      else problem = `No series yet: ${config.seriesFile} holds none.`;
    } catch (e) {
      problem = (e as Error).message;
    }
    const q = c.req.queries();
    const range = timeRange(q, now());
    const hosts = [...new Set(all.map((s) => s.host))].sort();
    const picked = texts(q, 'host');
    const chosen = picked.length ? new Set(picked) : undefined;
    return page(c, 'Graphs', graphsPage({ hosts, chosen, range, charts: charts(all, chosen), problem }), ['/assets/uPlot.min.css', '/assets/uPlot.iife.min.js', '/assets/graphs.js']);
  });

  app.get('/api/series', (c) => {
    const q = c.req.queries();
    const t = now();
    const from = time(q, 'from') ?? t - 86400;
    const to = time(q, 'to') ?? t;
    if (!(from < to)) throw new BadRequest(`from (${text(q, 'from')}) must come before to (${text(q, 'to')})`);
    const points = Math.min(MAX_POINTS, Math.max(10, integer(q, 'points', 0, 1_000_000) ?? 1000));
    const hosts = new Set(texts(q, 'host'));
    const [key, field, bands] = [text(q, 'key'), text(q, 'field'), flag(q, 'bands')];
    const db = series();
    const found = db ? listSeries(db).filter((s) => s.key === key && s.field === field && (hosts.size === 0 || hosts.has(s.host))) : [];
    return c.json({
      key,
      field,
      from,
      to,
      series: found.map((s) => ({ host: s.host, ...readPoints(db!, s.id, from, to, points, t, bands) })),
    });
  });

  app.get('/network', async (c) => page(c, 'Network', networkPage({ network: await network.network(), configDir: config.configDir })));

  app.notFound((c) => page(c, 'Not found', html`<h1>Not found</h1><p>There is no page ${c.req.path}.</p>`, undefined, 404));
  app.onError((e, c) => {
    if (e instanceof BadRequest) {
      if (c.req.path.startsWith('/api/')) return c.json({ error: e.message }, 400);
      return page(c, 'Bad request', html`<h1>Bad request</h1><p class="problem">${e.message}</p>`, undefined, 400);
    }
    log.error('web UI page failed', { path: c.req.path, error: e.message });
    if (c.req.path.startsWith('/api/')) return c.json({ error: e.message }, 500);
    return page(c, 'Error', html`<h1>Something went wrong</h1><p class="problem">${e.message}</p>`, undefined, 500);
  });

  return {
    app,
    close: () => {
      inbox.close();
      seriesDb?.close();
    },
  };
}

/** Webui is a running web UI. */
export interface Webui {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** startWebui serves the web UI and resolves once it listens. */
export function startWebui(config: WebuiConfig, hostname: string, log: Logger): Promise<Webui> {
  const { app, close } = webuiApp(config, hostname, log);
  return new Promise((resolve, reject) => {
    let server: ServerType;
    const onError = (e: Error) => reject(e);
    const tls = config.tls ? { createServer: createHttpsServer, serverOptions: { cert: config.tls.cert, key: config.tls.key } } : {};
    server = serve({ fetch: app.fetch, hostname: config.listen, port: config.port, ...tls }, (info: AddressInfo) => {
      server.off('error', onError);
      const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `${config.tls ? 'https' : 'http'}://${host}:${info.port}/`,
        port: info.port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => {
              close();
              done();
            });
            (server as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      });
    });
    server.on('error', onError);
  });
}
