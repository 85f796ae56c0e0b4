import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';

/*
 * Who may read and who may write. Without a token the web UI listens on a
 * loopback address only, and answers only requests addressed to a loopback
 * name (a page elsewhere cannot reach it by DNS rebinding). With a token,
 * every page asks for it once and keeps a cookie derived from it. Either way
 * nothing is written but by a POST carrying a form value derived from the
 * credential (a per-process secret without a token), which another site's
 * page cannot know, so it cannot make a browser write for it.
 */

const COOKIE = 'wubot_webui';
const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Access holds the credentials of one web UI process. */
export class Access {
  private readonly secret: Buffer;
  /** session is the cookie value that proves the token was given. */
  private readonly session: string;
  /** postKey is the form value a POST must carry. */
  readonly postKey: string;

  constructor(
    private readonly token: string | undefined,
    /** secure: pages are served over TLS, so the cookie is sent only over TLS */
    private readonly secure = false,
  ) {
    this.secret = token ? Buffer.from(token) : randomBytes(32);
    this.session = this.derive('session');
    this.postKey = this.derive('post');
  }

  private derive(what: string): string {
    return createHmac('sha256', this.secret).update(`wubot webui ${what}`).digest('base64url');
  }

  /** tokenMatches tells whether a given password is the token (in constant time). */
  tokenMatches(given: string): boolean {
    return this.token !== undefined && same(given, this.token);
  }

  /** signedIn tells whether a request carries the credential (a cookie, or the token as a bearer). */
  signedIn(c: Context): boolean {
    if (!this.token || this.bearer(c)) return true;
    const cookie = getCookie(c, COOKIE);
    return cookie !== undefined && same(cookie, this.session);
  }

  /** bearer tells whether a request carries the token as `Authorization: Bearer <token>` (for scripts). */
  private bearer(c: Context): boolean {
    const auth = c.req.header('authorization');
    return auth !== undefined && auth.startsWith('Bearer ') && this.tokenMatches(auth.slice(7));
  }

  /** signIn gives the browser the session cookie. */
  signIn(c: Context): void {
    setCookie(c, COOKIE, this.session, { httpOnly: true, sameSite: 'Strict', path: '/', secure: this.secure });
  }

  /** postAllowed tells whether a POST's form carries the write key (or the request, the token as a bearer). */
  postAllowed(c: Context, form: Record<string, unknown>): boolean {
    if (this.bearer(c)) return true;
    return typeof form.csrf === 'string' && same(form.csrf, this.postKey);
  }

  /**
   * guard refuses, before any page runs: a request to another name than
   * loopback's when there is no token, and a request without the
   * credential when there is one (pages then show the sign-in form).
   */
  guard(signInPage: (c: Context, failed: boolean) => Response | Promise<Response>): MiddlewareHandler {
    return async (c, next) => {
      if (!this.token) {
        const host = hostName(c.req.header('host') ?? '');
        if (!LOOPBACK_NAMES.has(host)) return c.text(`wubot webui answers only to 127.0.0.1 and localhost, not ${host || 'a request without Host'}\n`, 403);
      }
      if (c.req.path === '/login' || c.req.path.startsWith('/assets/') || this.signedIn(c)) return next();
      if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return c.text('sign in first\n', 401);
      return signInPage(c, false);
    };
  }
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** hostName is the name part of a Host header (`[::1]:8470` → `[::1]`). */
function hostName(header: string): string {
  const h = header.toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.indexOf(':');
  return colon < 0 ? h : h.slice(0, colon);
}
