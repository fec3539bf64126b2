// The postgres sink's prepared transaction ids (`weir:<job>:<uid>:<subtask>:<checkpoint>`) and the checkpoint state that lists them.

/** A transaction prepared at checkpoint `checkpointId` under the global id `gid`, not yet committed. */
export interface PreparedTransaction {
  readonly checkpointId: number;
  readonly gid: string;
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

/** `weir:<job>:<uid>:<subtask>:<checkpoint>` */
export const gidOf = (job: string, uid: string, subtask: number, checkpointId: number): string =>
  `${gidPrefix(job, uid)}${subtask}:${checkpointId}`;

/** The subtask and checkpoint of one of this sink's transaction ids, or undefined for another sink's. */
export function parseGid(
  job: string,
  uid: string,
  gid: string,
): { subtask: number; checkpointId: number } | undefined {
  const prefix = gidPrefix(job, uid);
  if (!gid.startsWith(prefix)) return undefined;
  const m = /^(\d+):(\d+)$/.exec(gid.slice(prefix.length));
  return m ? { subtask: Number(m[1]), checkpointId: Number(m[2]) } : undefined;
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
      typeof p === 'object' && p !== null && typeof p.checkpointId === 'number' && typeof p.gid === 'string',
  );
}
