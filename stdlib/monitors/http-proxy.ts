import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as tcpConnect, isIPv4, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';

/*
 * GET through a proxy, as the original's LWP user agent does with `proxy:`.
 * Through an HTTP proxy, http:// URLs are asked of the proxy by their
 * absolute URL and https:// URLs go through a CONNECT tunnel; through a
 * SOCKS 5 proxy (`socks://`, as the original's docs show it) both go through
 * a SOCKS connection. Inside a tunnel the proxy never sees the request.
 * Node's fetch has no proxy setting, and this is all a feed needs.
 */

const NULL_BODY = new Set([101, 204, 205, 304]);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;
const SOCKS = new Set(['socks:', 'socks5:', 'socks5h:']);

/** basicAuth is an Authorization header value for a user and password. */
export function basicAuth(user: string, pass: string): string {
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

/** checkProxy says what is wrong with a proxy URL, or nothing. */
export function checkProxy(proxy: string): string | undefined {
  let u: URL;
  try {
    u = new URL(proxy);
  } catch {
    return `\`${proxy}\` is not a URL`;
  }
  if (u.protocol === 'http:' || SOCKS.has(u.protocol)) return undefined;
  return `a proxy is http://host:port or socks://host:port (SOCKS 5), not ${u.protocol.replace(/:$/, '')}`;
}

function toResponse(res: IncomingMessage): Response {
  const headers = new Headers();
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
  const status = res.statusCode ?? 502;
  if (NULL_BODY.has(status)) res.resume();
  return new Response(NULL_BODY.has(status) ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), { status, headers });
}

const user = (u: URL) => decodeURIComponent(u.username);
const pass = (u: URL) => decodeURIComponent(u.password);
const portOf = (u: URL) => Number(u.port) || (u.protocol === 'https:' ? 443 : u.protocol === 'http:' ? 80 : 1080);

/** byteReader reads exact byte counts from a socket, for a handshake; done() hands the socket on (nothing more comes before the request is sent). */
function byteReader(socket: Socket) {
  let buf = Buffer.alloc(0);
  let failed: Error | undefined;
  let wake: (() => void) | undefined;
  const onData = (d: Buffer) => ((buf = Buffer.concat([buf, d])), wake?.());
  const onEnd = () => ((failed = new Error('the SOCKS proxy closed the connection')), wake?.());
  const onError = (e: Error) => ((failed = e), wake?.());
  socket.on('data', onData).on('end', onEnd).on('error', onError);
  return {
    async read(n: number): Promise<Buffer> {
      while (buf.length < n) {
        if (failed) throw failed;
        await new Promise<void>((r) => (wake = r));
      }
      const out = buf.subarray(0, n);
      buf = buf.subarray(n);
      return out;
    },
    done(): void {
      socket.off('data', onData).off('end', onEnd).off('error', onError);
      if (buf.length) socket.unshift(buf);
    },
  };
}

const SOCKS_ERRORS = ['', 'general failure', 'not allowed by its rules', 'network unreachable', 'host unreachable', 'connection refused', 'TTL expired', 'command not supported', 'address type not supported'];

/** socksTunnel opens a connection to `target` through a SOCKS 5 proxy (RFC 1928), with user and password (RFC 1929) when the proxy URL has them. */
async function socksTunnel(target: URL, proxy: URL, signal: AbortSignal): Promise<Socket> {
  const socket = tcpConnect({ host: proxy.hostname, port: portOf(proxy), signal });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const r = byteReader(socket);
  try {
    const login = proxy.username !== '';
    socket.write(Buffer.from(login ? [5, 2, 0, 2] : [5, 1, 0]));
    const [version, method] = await r.read(2);
    if (version !== 5) throw new Error('the proxy does not speak SOCKS 5');
    if (method === 2 && login) {
      const [u, p] = [Buffer.from(user(proxy)), Buffer.from(pass(proxy))];
      socket.write(Buffer.concat([Buffer.from([1, u.length]), u, Buffer.from([p.length]), p]));
      if ((await r.read(2))[1] !== 0) throw new Error('the SOCKS proxy refused the user and password');
    } else if (method !== 0) throw new Error('the SOCKS proxy accepts none of the ways to log in offered');
    const host = target.hostname;
    const address = isIPv4(host) ? Buffer.from([1, ...host.split('.').map(Number)]) : Buffer.concat([Buffer.from([3, Buffer.byteLength(host)]), Buffer.from(host)]);
    const port = portOf(target);
    socket.write(Buffer.concat([Buffer.from([5, 1, 0]), address, Buffer.from([port >> 8, port & 255])]));
    const [, reply, , type] = await r.read(4);
    if (reply !== 0) throw new Error(`the SOCKS proxy could not connect to ${host}:${port}: ${SOCKS_ERRORS[reply] ?? `error ${reply}`}`);
    const length = type === 1 ? 4 : type === 4 ? 16 : (await r.read(1))[0];
    await r.read(length + 2);
    r.done();
    return socket;
  } catch (e) {
    socket.destroy();
    throw e;
  }
}

/** connectTunnel opens a connection to `target` through an HTTP proxy's CONNECT. */
function connectTunnel(target: URL, proxy: URL, signal: AbortSignal): Promise<Socket> {
  const authority = `${target.hostname}:${portOf(target)}`;
  const auth: OutgoingHttpHeaders = proxy.username ? { 'proxy-authorization': basicAuth(user(proxy), pass(proxy)) } : {};
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: proxy.hostname, port: portOf(proxy), method: 'CONNECT', path: authority, headers: { host: authority, ...auth }, signal });
    req.on('connect', (res: IncomingMessage, socket: Socket) => {
      if (res.statusCode === 200) return resolve(socket);
      socket.destroy();
      reject(new Error(`the proxy refused the tunnel to ${authority}: HTTP ${res.statusCode}`));
    });
    req.on('error', reject);
    req.end();
  });
}

function once(target: URL, proxy: URL, headers: Record<string, string>, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    if (target.protocol === 'http:' && proxy.protocol === 'http:') {
      const auth: OutgoingHttpHeaders = proxy.username ? { 'proxy-authorization': basicAuth(user(proxy), pass(proxy)) } : {};
      const req = httpRequest({ host: proxy.hostname, port: portOf(proxy), method: 'GET', path: target.href, headers: { ...headers, host: target.host, ...auth }, signal }, resolve);
      req.on('error', reject);
      req.end();
      return;
    }
    const tunnel = SOCKS.has(proxy.protocol) ? socksTunnel(target, proxy, signal) : connectTunnel(target, proxy, signal);
    tunnel.then((socket) => {
      const secure = target.protocol === 'https:';
      const connection = secure ? tlsConnect({ socket, servername: target.hostname }) : socket;
      const options = { host: target.hostname, path: `${target.pathname}${target.search}`, headers: { ...headers, host: target.host }, signal, createConnection: () => connection };
      const req = secure ? httpsRequest(options, resolve) : httpRequest(options, resolve);
      req.on('error', reject);
      req.end();
    }, reject);
  });
}

/** proxyFetch GETs `url` through `proxy` (HTTP or SOCKS 5), following redirects, and answers as fetch does. */
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
