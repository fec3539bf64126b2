// The `postgres` sink's WITH options (url, table-name, sink.semantic, flush size) and the way its errors name it.
import type { TableDef } from '../../../compiler/catalog';
import { postgresSemantic } from '../../../compiler/connectors';

export type Semantic = 'exactly-once' | 'upsert' | 'at-least-once';

/** A postgres sink table's options, checked, with the server and database its URL names. */
export interface PostgresSinkOptions {
  /** The sink table's name in the query. */
  readonly name: string;
  readonly url: string;
  /** `host:port` of the server, for messages. */
  readonly where: string;
  readonly database: string;
  /** The `table-name` option: the PostgreSQL table written. */
  readonly tableName: string;
  readonly semantic: Semantic;
  /** `sink.buffer-flush.max-rows`: buffered rows that start a flush. */
  readonly flushRows: number;
}

/**
 * Reads a postgres sink table's options; throws on a missing `url` or `table-name` or a `url` that is no URL.
 * @example parsePostgresSinkOptions(table).semantic // 'exactly-once' unless 'sink.semantic' says otherwise
 */
export function parsePostgresSinkOptions(table: TableDef): PostgresSinkOptions {
  const o = table.options;
  const url = o['url'];
  if (!url) throw new Error(`postgres sink '${table.name}': option 'url' is required`);
  const tableName = o['table-name'];
  if (!tableName) throw new Error(`postgres sink '${table.name}': option 'table-name' is required`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(
      `postgres sink '${table.name}': 'url' = '${url}' is not a URL such as 'postgres://user@host:5432/database'`,
    );
  }
  return {
    name: table.name,
    url,
    ...serverOf(parsed),
    tableName,
    semantic: postgresSemantic(o) as Semantic,
    flushRows: Math.max(1, Number(o['sink.buffer-flush.max-rows'] ?? 500) || 500),
  };
}

/** The server (`host:port`) and database a postgres URL names. */
export function serverOf(url: URL): { where: string; database: string } {
  return {
    where: `${url.hostname || 'localhost'}:${url.port || '5432'}`,
    database: decodeURIComponent(url.pathname.replace(/^\//, '')) || url.username || 'postgres',
  };
}

/** The URL without its password (kept out of checkpoint state); a URL that does not parse as it is. */
export function withoutPassword(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    u.searchParams.delete('password');
    return u.toString();
  } catch {
    return url;
  }
}

/** An error of this sink: `postgres sink '<name>' (table '<table-name>'): <text>`. */
export const sinkError = (o: PostgresSinkOptions, text: string): Error =>
  new Error(`postgres sink '${o.name}' (table '${o.tableName}'): ${text}`);

/** The message of anything thrown. */
export const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));
