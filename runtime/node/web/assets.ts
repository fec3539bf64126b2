// The dashboard's files: only the built page's folder inside weir's own tree, never a path from the request's choosing.
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
};

/**
 * The page may load only its own files and call only its own origin (no CDN, no telemetry); no CORS headers
 * are ever sent, so other origins cannot read the API either.
 */
export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

/** playground/dashboard/dist of this checkout: beside dist/ (the bundled CLI) or up from runtime/node/web (from source). */
export function dashboardRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [
    resolve(here, '../playground/dashboard/dist'),
    resolve(here, '../../../playground/dashboard/dist'),
  ];
  return candidates.find((c) => existsSync(c)) ?? candidates[0]!;
}

export interface Asset {
  readonly type: string;
  readonly body: Buffer;
}

/** The file for a URL path, or undefined; `/` is the page. Paths that leave the folder are not found. */
export function readAsset(root: string, urlPath: string): Asset | undefined {
  if (!existsSync(root)) return undefined;
  const base = realpathSync(root);
  const rel = urlPath === '/' || urlPath === '' ? 'index.html' : decodeURIComponent(urlPath);
  const path = normalize(join(base, rel));
  if (!path.startsWith(base + sep) || !existsSync(path)) return undefined;
  const real = realpathSync(path);
  if (!real.startsWith(base + sep) || !statSync(real).isFile()) return undefined;
  const type = TYPES[extname(real)];
  if (!type) return undefined;
  return { type, body: readFileSync(real) };
}

export const NOT_BUILT = (root: string) =>
  `<!doctype html><meta charset="utf-8"><title>weir</title><p>The dashboard is not built (${root} has no index.html):
run <code>npm run build:dashboard</code>. The REST API (<a href="/jobs/overview">/jobs/overview</a>) and
<a href="/metrics">/metrics</a> work without it.</p>`;
