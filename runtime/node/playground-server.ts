// `weir playground`: serves the built playground (playground/dist) on 127.0.0.1; opens nothing by itself.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from './cli';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

export function playgroundRoot(): string {
  return resolve(fileURLToPath(import.meta.url), '../../playground/dist');
}

export async function servePlayground(args: readonly string[]): Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    console.error(`weir playground: ${parsed}`);
    return 2;
  }
  const port = Number(parsed.flags.get('port') ?? 5180);
  const root = playgroundRoot();
  if (!existsSync(join(root, 'index.html'))) {
    console.error(
      `weir playground: the playground is not built (${root} has no index.html); run 'npm run build:playground'`,
    );
    return 1;
  }
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = normalize(join(root, decodeURIComponent(url.pathname)));
    const file =
      path.startsWith(root) && existsSync(path) && statSync(path).isFile() ? path : join(root, 'index.html');
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  console.log(`weir playground: http://127.0.0.1:${port}/`);
  await new Promise(() => {});
  return 0;
}
