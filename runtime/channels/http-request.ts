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

/**
 * httpRequest resolves when the provider answered 2xx. A 5xx, 408, 425 or
 * 429 answer, a refused connection or an abort are worth a retry; any other
 * answer is a permanent refusal. The error names the URL without its
 * credentials and quotes the start of the provider's answer.
 */
export async function httpRequest(req: HttpRequest, signal: AbortSignal): Promise<void> {
  const where = `${req.method} ${redactUrl(req.url)}`;
  let res: Response;
  try {
    res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body, signal, redirect: 'error' });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new DeliveryError(`${where}: ${cause?.code ?? cause?.message ?? (e as Error).message}`, false);
  }
  let text = '';
  try {
    text = (await res.text()).slice(0, 300);
  } catch {
    // the answer's status is what counts
  }
  if (res.status >= 200 && res.status < 300) return;
  const permanent = res.status < 500 && !TRANSIENT.has(res.status);
  throw new DeliveryError(`${where}: HTTP ${res.status}${text ? `: ${text.replace(/\s+/g, ' ').trim()}` : ''}`, permanent);
}
