import http from 'node:http';
import https from 'node:https';
import { redactUrl } from '../secrets.js';
import { DeliveryError } from './outbox-item.js';

/** HttpRequest is one request a channel makes of a provider. */
export interface HttpRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** Statuses worth trying again: the provider may take the same request later. */
const TRANSIENT = new Set([408, 425, 429]);

/** agents keep connections to providers open between deliveries. */
const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };

/**
 * httpRequest resolves when the provider answered 2xx. A 5xx, 408, 425 or
 * 429 answer, a refused connection or an abort are worth a retry; any other
 * answer (a redirect too: a provider's API URL does not move) is a
 * permanent refusal. The error names the URL without its credentials and
 * quotes the start of the provider's answer. It uses node:http rather than
 * fetch, which costs the reactor's thread about three times the CPU per
 * request.
 */
export async function httpRequest(req: HttpRequest, signal: AbortSignal): Promise<void> {
  const where = `${req.method} ${redactUrl(req.url)}`;
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    throw new DeliveryError(`${where}: not a URL`, true);
  }
  const protocol = url.protocol === 'https:' ? 'https:' : url.protocol === 'http:' ? 'http:' : undefined;
  if (!protocol) throw new DeliveryError(`${where}: not an http or https URL`, true);
  const body = req.body === undefined ? undefined : Buffer.from(req.body);
  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const headers = body ? { ...req.headers, 'content-length': String(body.length) } : req.headers;
    const r = (protocol === 'https:' ? https : http).request(url, { method: req.method, headers, agent: agents[protocol], signal }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        if (text.length < 300) text += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: text.slice(0, 300) }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    r.on('error', (e: NodeJS.ErrnoException) => reject(new DeliveryError(`${where}: ${e.code ?? e.message}`, false)));
    r.end(body);
  });
  if (status >= 200 && status < 300) return;
  const permanent = status < 500 && !TRANSIENT.has(status);
  throw new DeliveryError(`${where}: HTTP ${status}${text ? `: ${text.replace(/\s+/g, ' ').trim()}` : ''}`, permanent);
}
