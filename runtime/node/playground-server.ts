// `weir playground`: serves the built playground (playground/dist) on 127.0.0.1; opens nothing by itself.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from './cli/args';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

/**
 * The page may talk to its own origin only: scripts, workers, styles and fonts come from the server, and
 * nothing (no CDN, no telemetry) is fetched from anywhere else. 'unsafe-eval': weir compiles each query's
 * expressions into JavaScript functions once, at plan time.
 */
const CSP =
  "default-src 'self'; script-src 'self' 'unsafe-eval'; worker-src 'self' blob:; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'";

/** playground/dist of this checkout: beside dist/ (the bundled CLI) or two folders up (runtime/node, run from source). */
export function playgroundRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, '../playground/dist'), resolve(here, '../../playground/dist')];
  return candidates.find((c) => existsSync(dirname(c))) ?? candidates[0]!;
}

export interface PlaygroundServer {
  readonly server: Server;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves `root` (the built page) on 127.0.0.1:`port` (0: a free port); resolves once listening.
 * @example const { url, close } = await startPlaygroundServer(0); // url: http://127.0.0.1:41234/
 */
export async function startPlaygroundServer(
  port: number,
  root = playgroundRoot(),
): Promise<PlaygroundServer> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = normalize(join(root, decodeURIComponent(url.pathname)));
    const inside = path === root || path.startsWith(root + sep);
    const found = inside && existsSync(path) && statSync(path).isFile();
    // A missing asset is a 404; any other path is the page itself.
    if (!found && extname(url.pathname) !== '' && extname(url.pathname) !== '.html') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`not found: ${url.pathname}\n`);
      return;
    }
    const file = found ? path : join(root, 'index.html');
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-security-policy': CSP,
      'cache-control': 'no-cache',
    });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', ok);
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    server,
    url: `http://127.0.0.1:${actual}/`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

export async function servePlayground(args: readonly string[]): Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    console.error(`weir playground: ${parsed}`);
    return 2;
  }
  const port = Number(parsed.flags.get('port') ?? 5180);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`weir playground: --port expects a port number, got '${String(parsed.flags.get('port'))}'`);
    return 2;
  }
  const root = playgroundRoot();
  if (!existsSync(join(root, 'index.html'))) {
    console.error(
      `weir playground: the playground is not built (${root} has no index.html); run 'npm run build:playground'`,
    );
    return 1;
  }
  let started: PlaygroundServer;
  try {
    started = await startPlaygroundServer(port, root);
  } catch (e) {
    console.error(
      `weir playground: cannot listen on 127.0.0.1:${port}: ${e instanceof Error ? e.message : String(e)}`,
    );
    return 1;
  }
  console.log(`weir playground: ${started.url} (open it in a browser; Ctrl+C stops)`);
  await new Promise(() => {});
  return 0;
}
