// The postgres sink's connections: opened with a clear error when the server cannot be reached, ended without waiting on a dead one.
import pg from 'pg';
import type { ConnectorContext } from '../../connectors/connector';
import { errorMessage, sinkError, type PostgresSinkOptions } from './postgres-options';

/**
 * Connects one of a subtask's connections (`role` names it in pg_stat_activity); `onError` hears of a
 * connection lost between statements (server restart, pg_terminate_backend).
 */
export async function openConnection(
  o: PostgresSinkOptions,
  ctx: ConnectorContext,
  role: string,
  onError: (e: Error) => void,
): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: o.url,
    application_name: `weir ${role} ${ctx.subtaskIndex} ${ctx.jobName}`.slice(0, 63),
    connectionTimeoutMillis: 10_000,
  });
  client.on('error', onError);
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => {});
    throw sinkError(
      o,
      `cannot connect to PostgreSQL at ${o.where} (database '${o.database}'): ${errorMessage(e) || (e as { code?: string }).code}`,
    );
  }
  return client;
}

/** Ends the connections, waiting at most two seconds for each (an open transaction ends with its connection, rolled back). */
export function endAll(clients: readonly (pg.Client | undefined)[]): Promise<unknown> {
  return Promise.all(
    clients.map((c) =>
      c
        ? Promise.race([c.end().catch(() => {}), new Promise((r) => setTimeout(r, 2000).unref?.())])
        : undefined,
    ),
  );
}
