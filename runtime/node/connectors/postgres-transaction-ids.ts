// The postgres sink's prepared transaction ids (`weir:<job>:<uid>:<destination>:<subtask>:<checkpoint>`) and the checkpoint state that lists them.
import { createHash } from 'node:crypto';

/**
 * A transaction prepared at checkpoint `checkpointId` under the global id `gid`, not yet committed, in table
 * `table` (as PostgreSQL names it) of the database `url` names (without its password). State written by
 * older weir versions has neither: the sink's own table then.
 */
export interface PreparedTransaction {
  readonly checkpointId: number;
  readonly gid: string;
  readonly url?: string;
  readonly table?: string;
}

/** What an exactly-once writer stores in a checkpoint: every prepared transaction it has not committed. */
export interface PostgresSinkState {
  readonly prepared: readonly PreparedTransaction[];
}

/** PostgreSQL's limit on a prepared transaction's identifier. */
export const GID_MAX = 200;

/**
 * `weir:<job>:<uid>:`: every prepared transaction of one sink (operator uid) of a job starts with it. The uid
 * keeps a job that was renamed (statements added before its INSERT) from taking another sink's transactions
 * under its old name for its own.
 */
export const gidPrefix = (job: string, uid: string): string => `weir:${job}:${uid}:`;

/**
 * The destination key: 8 hex digits of a hash of the database and table. Prepared transaction ids are unique
 * per server, not per database; with it, the same job writing another table or database (a savepoint restored
 * into a new table while the old job still runs) never takes the other's transactions for its own.
 */
export const destinationKey = (database: string, table: string): string =>
  createHash('sha256').update(`${database}\n${table}`).digest('hex').slice(0, 8);

/** `weir:<job>:<uid>:<destination>:<subtask>:<checkpoint>` */
export const gidOf = (
  job: string,
  uid: string,
  destination: string,
  subtask: number,
  checkpointId: number,
): string => `${gidPrefix(job, uid)}${destination}:${subtask}:${checkpointId}`;

/**
 * The destination, subtask and checkpoint of one of this sink's transaction ids, or undefined for another
 * sink's. An id of an older weir (`weir:<job>:<uid>:<subtask>:<checkpoint>`) has no destination.
 */
export function parseGid(
  job: string,
  uid: string,
  gid: string,
): { destination?: string; subtask: number; checkpointId: number } | undefined {
  const prefix = gidPrefix(job, uid);
  if (!gid.startsWith(prefix)) return undefined;
  const m = /^(?:([0-9a-f]{8}):)?(\d+):(\d+)$/.exec(gid.slice(prefix.length));
  if (!m) return undefined;
  const ids = { subtask: Number(m[2]), checkpointId: Number(m[3]) };
  return m[1] === undefined ? ids : { destination: m[1], ...ids };
}

/** The subtask of a transaction id of any job (`…:<subtask>:<checkpoint>`; a job name may hold ':'). */
export function subtaskOfGid(gid: string): number | undefined {
  const m = /:(\d+):\d+$/.exec(gid);
  return m ? Number(m[1]) : undefined;
}

/** The prepared transactions a checkpointed state lists; nothing for a state that is not a PostgresSinkState. */
export function preparedOf(state: unknown): readonly PreparedTransaction[] {
  const list = (state as Partial<PostgresSinkState> | null | undefined)?.prepared;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (p): p is PreparedTransaction =>
      typeof p === 'object' &&
      p !== null &&
      typeof p.checkpointId === 'number' &&
      typeof p.gid === 'string' &&
      (p.url === undefined || typeof p.url === 'string') &&
      (p.table === undefined || typeof p.table === 'string'),
  );
}

/** SQLSTATE undefined_object: "prepared transaction with identifier ... does not exist". */
export const UNDEFINED_OBJECT = '42704';
