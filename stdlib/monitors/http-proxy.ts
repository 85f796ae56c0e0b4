import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';

/*
 * GET through an HTTP proxy, as the original's LWP user agent does with
 * `proxy:`: http:// URLs are asked of the proxy by their absolute URL,
 * https:// URLs through a CONNECT tunnel, so the proxy never sees what is
 * inside. Node's fetch has no proxy setting, and this is all a feed needs.
 */

const NULL_BODY = new Set([101, 204, 205, 304]);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

/** basicAuth is an Authorization header value for a user and password. */
export function basicAuth(user: string, pass: string): string {
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

function toResponse(res: IncomingMessage): Response {
  const headers = new Headers();
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
  const status = res.statusCode ?? 502;
  if (NULL_BODY.has(status)) res.resume();
  return new Response(NULL_BODY.has(status) ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), { status, headers });
}

/** checkProxy says what is wrong with a proxy URL, or nothing. */
export function checkProxy(proxy: string): string | undefined {
  let u: URL;
  try {
    u = new URL(proxy);
  } catch {
    return `\`${proxy}\` is not a URL`;
  }
  return u.protocol === 'http:' ? undefined : `only HTTP proxies are supported (http://host:port), not ${u.protocol.replace(/:$/, '')}`;
}

function once(target: URL, proxy: URL, headers: Record<string, string>, signal: AbortSignal): Promise<IncomingMessage> {
  const port = Number(proxy.port) || 80;
  const auth: OutgoingHttpHeaders = proxy.username ? { 'proxy-authorization': basicAuth(decodeURIComponent(proxy.username), decodeURIComponent(proxy.password)) } : {};
  return new Promise((resolve, reject) => {
    if (target.protocol === 'http:') {
      const req = httpRequest({ host: proxy.hostname, port, method: 'GET', path: target.href, headers: { ...headers, host: target.host, ...auth }, signal }, resolve);
      req.on('error', reject);
      req.end();
      return;
    }
    const authority = `${target.hostname}:${target.port || 443}`;
    const connect = httpRequest({ host: proxy.hostname, port, method: 'CONNECT', path: authority, headers: { host: authority, ...auth }, signal });
    connect.on('connect', (res: IncomingMessage, socket: Socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        reject(new Error(`the proxy refused the tunnel to ${authority}: HTTP ${res.statusCode}`));
        return;
      }
      const tls = tlsConnect({ socket, servername: target.hostname });
      const req = httpsRequest({ host: target.hostname, path: `${target.pathname}${target.search}`, headers: { ...headers, host: target.host }, signal, createConnection: () => tls }, resolve);
      req.on('error', reject);
      req.end();
    });
    connect.on('error', reject);
    connect.end();
  });
}

/** proxyFetch GETs `url` through the HTTP proxy `proxy`, following redirects, and answers as fetch does. */
export async function proxyFetch(url: string, proxy: string, headers: Record<string, string>, signal: AbortSignal): Promise<Response> {
  const via = new URL(proxy);
  let target = new URL(url);
  let sent = headers;
  for (let hop = 0; ; hop++) {
    const res = await once(target, via, sent, signal);
    const location = res.headers.location;
    if (!REDIRECTS.has(res.statusCode ?? 0) || location === undefined || hop >= MAX_REDIRECTS) return toResponse(res);
    res.resume();
    const next = new URL(location, target);
    if (next.protocol !== 'http:' && next.protocol !== 'https:') throw new Error(`redirected to a ${next.protocol} URL`);
    // credentials go to the origin they were given for, as fetch does
    if (next.origin !== target.origin) sent = Object.fromEntries(Object.entries(sent).filter(([k]) => k.toLowerCase() !== 'authorization'));
    target = next;
  }
}
