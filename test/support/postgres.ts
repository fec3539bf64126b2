// Test harness: a real PostgreSQL server on loopback (temporary data folder, free port, prepared transactions on).
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  readonly url: string;
  readonly port: number;
  /** The URL of database `name` on this server (created by `createDatabase`). */
  urlOf(name: string): string;
  /** Creates a fresh database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Runs one statement (or several separated by ';') on database `db` (default `postgres`). */
  query<T extends pg.QueryResultRow = Record<string, unknown>>(
    sql: string,
    params?: unknown[],
    db?: string,
  ): Promise<T[]>;
  /** Stops the server (immediate shutdown) and removes its folder; safe to call twice. */
  stop(): Promise<void>;
}

export interface PostgresOptions {
  /** `max_prepared_transactions` (default 64; 0 to test the sink's error). */
  readonly maxPreparedTransactions?: number;
  /**
   * Logical replication (for change-data capture): `wal_level = logical` with this many replication slots and
   * WAL senders (`max_replication_slots`, `max_wal_senders`); the server's default `replica` level when absent.
   */
  readonly logicalReplication?: { readonly slots: number; readonly senders: number };
}

const INSTALL_HINT =
  'install PostgreSQL (Debian: `apt-get install -y postgresql`; .ci/run does this when the binaries are missing)';

/** The folder holding initdb, pg_ctl and postgres: PATH first, then Debian's /usr/lib/postgresql/<version>/bin. */
export function postgresBinDir(): string {
  for (const dir of (process.env['PATH'] ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir;
  }
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin/initdb')) && existsSync(join(root, v, 'bin/pg_ctl')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) {
    throw new Error(
      `cannot start PostgreSQL for the tests: initdb and pg_ctl are neither on PATH nor in ${root}/<version>/bin; ${INSTALL_HINT}`,
    );
  }
  return join(root, versions[0]!, 'bin');
}

/** A loopback port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** PostgreSQL refuses to run as root: as root, commands run as the `postgres` user. */
function runAs(): { prefix: string[]; uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return { prefix: [] };
  let uid: number;
  let gid: number;
  try {
    uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  } catch {
    throw new Error(
      'cannot start PostgreSQL for the tests: running as root, and there is no `postgres` user to run initdb and pg_ctl as (PostgreSQL refuses to run as root); ' +
        INSTALL_HINT,
    );
  }
  return { prefix: ['runuser', '-u', 'postgres', '--'], uid, gid };
}

function run(prefix: string[], cmd: string, args: string[], what: string, log?: string): void {
  const argv = [...prefix, cmd, ...args];
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 60_000 });
  if (r.error || r.status !== 0) {
    const logText = log && existsSync(log) ? `\nserver log:\n${readFileSync(log, 'utf8').slice(-2000)}` : '';
    throw new Error(
      `cannot start PostgreSQL for the tests: ${what} failed (${r.error?.message ?? `exit ${r.status}`}): ${argv.join(' ')}\n${r.stderr ?? ''}${r.stdout ?? ''}${logText}`,
    );
  }
}

/**
 * Starts a PostgreSQL server: `initdb` into a temporary folder (trust auth), `pg_ctl start` on a free
 * loopback port with its socket in that folder. Throws a message saying why when it cannot.
 * @example const server = await startPostgres(); ...; await server.stop();
 */
export async function startPostgres(o: PostgresOptions = {}): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const who = runAs();
  const dir = mkdtempSync(join(tmpdir(), 'weir-pg-'));
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  if (who.uid !== undefined) {
    chmodSync(dir, 0o755);
    chownSync(dir, who.uid, who.gid!);
  }
  let started = false;
  const stopSync = () => {
    if (started) {
      started = false;
      spawnSync(who.prefix[0] ?? join(bin, 'pg_ctl'), [
        ...who.prefix.slice(1),
        ...(who.prefix.length ? [join(bin, 'pg_ctl')] : []),
        'stop',
        '-D',
        data,
        '-m',
        'immediate',
        '-w',
      ]);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const onExit = () => stopSync();
  try {
    run(
      who.prefix,
      join(bin, 'initdb'),
      ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
      'initdb',
    );
    let port = 0;
    for (let attempt = 0; ; attempt++) {
      port = await freePort();
      const settings = [
        `-p ${port}`,
        `-h 127.0.0.1`,
        `-k ${dir}`,
        `-c max_prepared_transactions=${o.maxPreparedTransactions ?? 64}`,
        '-c max_connections=200',
        '-c fsync=off',
        '-c synchronous_commit=off',
        '-c full_page_writes=off',
        ...(o.logicalReplication
          ? [
              '-c wal_level=logical',
              `-c max_replication_slots=${o.logicalReplication.slots}`,
              `-c max_wal_senders=${o.logicalReplication.senders}`,
            ]
          : []),
      ].join(' ');
      try {
        run(
          who.prefix,
          join(bin, 'pg_ctl'),
          ['start', '-D', data, '-w', '-t', '60', '-l', log, '-o', settings],
          'pg_ctl start',
          log,
        );
        break;
      } catch (e) {
        // Another process took the port between the probe and the start: try another one.
        if (
          attempt < 2 &&
          existsSync(log) &&
          /could not bind|Address already in use/.test(readFileSync(log, 'utf8'))
        )
          continue;
        throw e;
      }
    }
    started = true;
    process.once('exit', onExit);
    const urlOf = (db: string) => `postgres://postgres@127.0.0.1:${port}/${db}`;
    const query = async <T extends pg.QueryResultRow>(sql: string, params?: unknown[], db = 'postgres') => {
      const client = new pg.Client({ connectionString: urlOf(db) });
      await client.connect();
      try {
        return (await client.query<T>(sql, params)).rows;
      } finally {
        await client.end();
      }
    };
    return {
      url: urlOf('postgres'),
      port,
      urlOf,
      query,
      async createDatabase(name) {
        await query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
        return urlOf(name);
      },
      async stop() {
        process.removeListener('exit', onExit);
        stopSync();
      },
    };
  } catch (e) {
    stopSync();
    throw e;
  }
}
