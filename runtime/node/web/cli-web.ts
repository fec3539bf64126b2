// `--web` on `weir run` and `weir sql`: starts the web server for the session's jobs and prints its URL once.
import type { JobHandle } from '../../job';
import { type WebServer, startWebServer, webOptions } from './server';

/** Whether the command line asks for the web server: `--web`, `--port`, or Flink's `rest.*` keys with `-D`. */
export function wantsWeb(
  flags: ReadonlyMap<string, string | true>,
  config: Readonly<Record<string, string>>,
): boolean {
  return (
    flags.has('web') ||
    flags.has('port') ||
    ['rest.port', 'rest.address', 'rest.bind-address'].some((k) => config[k] !== undefined)
  );
}

/** With `--web` (or `-D rest.*`): the web server for the jobs; a number is the exit status of a failure. */
export async function startWeb(
  command: string,
  jobs: () => readonly JobHandle[],
  args: { flags: ReadonlyMap<string, string | true>; config: Readonly<Record<string, string>> },
): Promise<WebServer | number | undefined> {
  if (!wantsWeb(args.flags, args.config)) return undefined;
  const web = await startCliWeb(command, jobs, args.flags, args.config, (l) => console.error(l));
  if (typeof web === 'string') {
    console.error(web);
    return 2;
  }
  return web;
}

/**
 * Starts serving `jobs` and prints the dashboard's URL on standard error; returns the server, or the error
 * message (bad options, a port in use).
 */
export async function startCliWeb(
  command: string,
  jobs: () => readonly JobHandle[],
  flags: ReadonlyMap<string, string | true>,
  config: Readonly<Record<string, string>>,
  err: (line: string) => void,
): Promise<WebServer | string> {
  const port = flags.get('port');
  const o = webOptions(config, typeof port === 'string' ? port : undefined);
  if (typeof o === 'string') return `weir ${command}: ${o}`;
  try {
    const web = await startWebServer(jobs, o);
    err(
      `[weir] dashboard: ${web.url}${o.token ? ' (open it with ?token=<rest.token>)' : ''} · REST API ${web.url}jobs/overview · metrics ${web.url}metrics`,
    );
    return web;
  } catch (e) {
    return `weir ${command}: cannot serve on ${o.address}:${o.port}: ${e instanceof Error ? e.message : String(e)}`;
  }
}
