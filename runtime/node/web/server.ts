// The web server of `weir run --web` / `weir sql --web`: REST API, /metrics and the dashboard on one port.
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JobHandle } from '../../job';
import { CSP, NOT_BUILT, dashboardRoot, readAsset } from './assets';
import { TOKEN_ENV, authorize, isLoopback } from './auth';
import { JobRegistry } from './job-registry';
import { metricsRegistry } from './metrics';
import { Operations } from './operations';
import { Rates } from './rates';
import { RestError, type RouteContext, match } from './routes';

export interface WebOptions {
  /** Flink's `rest.port` (default 8081); 0: a free port. */
  readonly port: number;
  /** Flink's `rest.address` / `rest.bind-address` (default 127.0.0.1). */
  readonly address: string;
  readonly token: string | undefined;
  /** The built dashboard (default: this checkout's playground/dashboard/dist). */
  readonly root?: string;
}

export interface WebServer {
  readonly server: Server;
  /** The dashboard's URL (without the token: open it with `?token=…` when one is required). */
  readonly url: string;
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024;

/**
 * The web options from the configuration (`-D rest.port=…`, `rest.address`, `rest.bind-address`, `rest.token`),
 * `--port` and the environment; a string says what is wrong.
 */
export function webOptions(
  config: Readonly<Record<string, string>>,
  port: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): WebOptions | string {
  const p = Number(port ?? config['rest.port'] ?? 8081);
  if (!Number.isInteger(p) || p < 0 || p > 65535)
    return `rest.port expects a port number, got '${port ?? config['rest.port']}'`;
  const address = config['rest.bind-address'] ?? config['rest.address'] ?? '127.0.0.1';
  const token = config['rest.token'] ?? env[TOKEN_ENV] ?? undefined;
  if (!isLoopback(address) && !token)
    return `rest.address '${address}' is not a loopback address: set a token with -D rest.token=… or ${TOKEN_ENV}`;
  return { port: p, address, token: token || undefined };
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_BODY) throw new RestError(413, `the request body is larger than ${MAX_BODY} bytes`);
    chunks.push(c);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new RestError(400, `Request body is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * Serves the session's jobs; resolves once listening.
 * @example const web = await startWebServer(() => session.jobs, { port: 0, address: '127.0.0.1', token: undefined });
 */
export async function startWebServer(jobs: () => readonly JobHandle[], o: WebOptions): Promise<WebServer> {
  const registry = new JobRegistry(jobs);
  const rates = new Rates(() => registry.list());
  const operations = new Operations();
  const ctx: RouteContext = { registry, operations, rates };
  const prometheus = metricsRegistry(registry, rates);
  const root = o.root ?? dashboardRoot();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const mutating = method !== 'GET' && method !== 'HEAD';
    const verdict = authorize(req, url, { address: o.address, port: o.port, token: o.token }, mutating);
    if (!verdict.ok) return send(res, verdict.status, { errors: [verdict.message] });
    const cookie: Record<string, string> = verdict.setCookie ? { 'set-cookie': verdict.setCookie } : {};
    const path = url.pathname;
    if (path === '/metrics') {
      if (method !== 'GET')
        return send(res, 405, { errors: [`${method} is not allowed on /metrics`] }, { allow: 'GET' });
      res.writeHead(200, { 'content-type': prometheus.contentType, 'cache-control': 'no-store' });
      res.end(await prometheus.metrics());
      return;
    }
    if (path.startsWith('/jobs')) {
      const m = match(method, path);
      if (!m) return send(res, 404, { errors: [`Not found: ${path}`] });
      if ('allowed' in m)
        return send(
          res,
          405,
          { errors: [`${method} is not allowed on ${path}; use ${m.allowed.join(' or ')}`] },
          { allow: m.allowed.join(', ') },
        );
      const body = m.route.method === 'GET' ? undefined : await readBody(req);
      const reply = m.route.handle({ params: m.params, query: url.searchParams, body }, ctx);
      return send(res, reply.status, reply.body, cookie);
    }
    if (method !== 'GET')
      return send(res, 405, { errors: [`${method} is not allowed on ${path}`] }, { allow: 'GET' });
    const asset = readAsset(root, path);
    if (!asset) {
      if (path === '/') {
        res.writeHead(503, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': CSP });
        res.end(NOT_BUILT(root));
        return;
      }
      return send(res, 404, { errors: [`Not found: ${path}`] });
    }
    res.writeHead(200, {
      'content-type': asset.type,
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-cache',
      ...cookie,
    });
    res.end(asset.body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (res.headersSent) return res.destroy();
      if (e instanceof RestError) return send(res, e.status, { errors: [e.message] });
      send(res, 500, { errors: [`Internal server error: ${e instanceof Error ? e.message : String(e)}`] });
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(o.port, o.address, () => {
      server.off('error', fail);
      ok();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = o.address.includes(':') ? `[${o.address}]` : o.address;
  const shown = host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host;
  return {
    server,
    url: `http://${shown}:${port}/`,
    close: async () => {
      await operations.settled(10_000);
      await new Promise<void>((ok) => {
        rates.stop();
        server.closeAllConnections();
        server.close(() => ok());
      });
    },
  };
}
