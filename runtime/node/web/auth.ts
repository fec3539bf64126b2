// Who may call the REST API: loopback by default; any other address only with the token, on every request.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The environment variable that may hold `rest.token` (so that it is not on the command line). */
export const TOKEN_ENV = 'WEIR_REST_TOKEN';
const COOKIE = 'weir_token';

export function isLoopback(address: string): boolean {
  return address === 'localhost' || address === '::1' || /^127(\.\d{1,3}){3}$/.test(address);
}

export interface AuthOptions {
  readonly address: string;
  readonly port: number;
  /** Required on a non-loopback address; when set, required on every request. */
  readonly token: string | undefined;
}

export type Verdict =
  | { readonly ok: true; readonly setCookie?: string }
  | { readonly ok: false; readonly status: 401 | 403; readonly message: string };

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function presented(req: IncomingMessage, url: URL): { token: string; fromQuery: boolean } | undefined {
  const h = req.headers.authorization;
  if (h?.startsWith('Bearer ')) return { token: h.slice(7), fromQuery: false };
  const q = url.searchParams.get('token');
  if (q !== null) return { token: q, fromQuery: true };
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, v] = part.trim().split('=');
    if (k === COOKIE && v !== undefined) return { token: decodeURIComponent(v), fromQuery: false };
  }
  return undefined;
}

/**
 * Checks one request. With a token, it must come as `Authorization: Bearer <token>`, a `?token=` on the page's
 * URL (answered with a same-site cookie, so that the page's own requests carry it) or that cookie. Without a
 * token (loopback only), the Host header must name the loopback address, so that another site's page cannot
 * reach the API through a DNS name pointed at 127.0.0.1. Requests that change a job must not come from another
 * origin (a form posted by another page).
 */
export function authorize(req: IncomingMessage, url: URL, o: AuthOptions, mutating: boolean): Verdict {
  if (mutating) {
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${req.headers.host ?? ''}`)
      return { ok: false, status: 403, message: `requests from origin ${origin} may not change jobs` };
    if (req.headers['sec-fetch-site'] === 'cross-site')
      return { ok: false, status: 403, message: 'cross-site requests may not change jobs' };
  }
  if (o.token === undefined) {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
    if (!isLoopback(host))
      return {
        ok: false,
        status: 403,
        message: `the REST API answers on the loopback address only, not '${host}'`,
      };
    return { ok: true };
  }
  const p = presented(req, url);
  if (!p)
    return { ok: false, status: 401, message: `a token is required (Authorization: Bearer <rest.token>)` };
  if (!same(p.token, o.token)) return { ok: false, status: 401, message: 'wrong token' };
  return p.fromQuery
    ? { ok: true, setCookie: `${COOKIE}=${encodeURIComponent(p.token)}; HttpOnly; SameSite=Strict; Path=/` }
    : { ok: true };
}
