// Restoring a postgres sink that points elsewhere: prepared transactions its state lists in another database are committed there, or skipped with a notice.
import type { ConnectorContext } from '../../connectors/connector';
import { endAll, openConnection } from './postgres-connection';
import { errorMessage, serverOf, type PostgresSinkOptions } from './postgres-options';
import { quoteLiteral } from './postgres-statements';
import { UNDEFINED_OBJECT, type PreparedTransaction } from './postgres-transaction-ids';

/**
 * The URL to reach a destination recorded in state (its URL without password): the sink's own password is
 * used when the user is the same (else PGPASSWORD or ~/.pgpass, as for any connection).
 */
function connectUrl(recorded: string, own: string): string {
  const u = new URL(recorded);
  const o = new URL(own);
  if (!u.password && o.password && decodeURIComponent(u.username) === decodeURIComponent(o.username))
    u.password = o.password;
  return u.toString();
}

/**
 * Commits restored prepared transactions that were prepared in another database (or server) than the sink's
 * (the sink was pointed at a new table). One that is not there any more was committed or rolled back before;
 * a database that cannot be reached is skipped. Never fails: one notice per database says what happened.
 */
export async function commitInOtherDatabases(
  o: PostgresSinkOptions,
  ctx: ConnectorContext,
  prepared: readonly PreparedTransaction[],
  isClosed: () => boolean,
): Promise<void> {
  const byUrl = new Map<string, PreparedTransaction[]>();
  for (const p of prepared) byUrl.set(p.url!, [...(byUrl.get(p.url!) ?? []), p]);
  for (const [url, list] of byUrl) {
    const tables = [...new Set(list.map((p) => p.table))].join(', ');
    let where = url;
    let committed = 0;
    let gone = 0;
    const failures: string[] = [];
    let client;
    try {
      const server = serverOf(new URL(url));
      where = `table(s) ${tables} in database '${server.database}' at ${server.where}`;
      client = await openConnection(
        { ...o, url: connectUrl(url, o.url), ...server },
        ctx,
        'commit',
        () => {},
      );
      for (const p of list) {
        if (isClosed()) break;
        try {
          await client.query(`COMMIT PREPARED ${quoteLiteral(p.gid)}`);
          committed++;
        } catch (e) {
          if ((e as { code?: string }).code === UNDEFINED_OBJECT) gone++;
          else failures.push(`${p.gid}: ${errorMessage(e)}`);
        }
      }
    } catch (e) {
      failures.push(errorMessage(e));
    } finally {
      await endAll([client]);
    }
    const skipped = list.length - committed - gone;
    ctx.log(
      `postgres sink '${o.name}': the restored state lists ${list.length} prepared transaction(s) into ${where}, not this sink's table: ${committed} committed there now, ${gone} no longer prepared (committed or rolled back before)` +
        (skipped > 0 ? `; skipped ${skipped} that cannot be committed: ${failures.join('; ')}` : ''),
    );
  }
}
