// SET and RESET for Flink: weir's keys carry Flink's names and pass through; weir-only keys become comments.
import { configKey } from '../config';
import { isRelativePath } from './paths';

/** A SET in Flink: the statement to write (none for weir-only keys) and what the reader should know. */
export interface FlinkSetting {
  readonly sql?: string;
  readonly note?: string;
}

/** Keys whose name Flink 2 (and 1.20) took over from an older one. */
const FLINK1_NAMES: Readonly<Record<string, string>> = {
  'execution.checkpointing.dir': 'state.checkpoints.dir',
  'execution.checkpointing.savepoint-dir': 'state.savepoints.dir',
  'execution.checkpointing.incremental': 'state.backend.incremental',
  'execution.checkpointing.storage': 'state.checkpoint-storage',
  'execution.state-recovery.ignore-unclaimed-state': 'execution.savepoint.ignore-unclaimed-state',
};

/** Folders the JobManager and every TaskManager must reach: relative ones only work on one machine. */
const SHARED_DIRS = new Set([
  'execution.checkpointing.dir',
  'execution.checkpointing.savepoint-dir',
  'state.checkpoints.dir',
  'state.savepoints.dir',
]);

const RESTORE_KEYS = new Set(['execution.state-recovery.path', 'execution.savepoint.path']);

/** Keys with Flink-like names that Flink's configuration does not have. */
const NOT_IN_FLINK: Readonly<Record<string, string>> = {
  'state.checkpoint-storage.jobmanager.max-size':
    "Flink sets the in-memory storage's cap in code (JobManagerCheckpointStorage), not by a key",
};

/** What Flink has in place of some weir-only keys. */
const FLINK_INSTEAD: Readonly<Record<string, string>> = {
  'weir.workers': "subtasks run in task slots ('taskmanager.numberOfTaskSlots' per TaskManager)",
  'weir.batch-size': "records travel in network buffers, flushed at least every 'execution.buffer-timeout'",
  'weir.state.rocksdb.cache-entries':
    "RocksDB's caches come from managed memory ('state.backend.rocksdb.memory.managed')",
};

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * `SET 'key' = 'value'` for Flink.
 * @example flinkSet('weir.workers', '2').note // "SET 'weir.workers' = '2' is weir-only: worker threads ... In Flink: ..."
 */
export function flinkSet(key: string, value: string): FlinkSetting {
  const written = `SET ${quote(key)} = ${quote(value)}`;
  const own = weirOnly(key);
  if (own) {
    const instead = FLINK_INSTEAD[key];
    return { note: `${written} is weir-only: ${own}.${instead ? ` In Flink: ${instead}.` : ''}` };
  }
  if (RESTORE_KEYS.has(key))
    return {
      note:
        `${written}: Flink cannot restore weir's savepoints or checkpoints (another format). Start the Flink job ` +
        `without state; later, restore it from a Flink savepoint with this key (Flink 1: 'execution.savepoint.path').`,
    };
  const notes: string[] = [];
  const old = FLINK1_NAMES[key];
  if (old) notes.push(`Flink before 1.20 names this key '${old}'.`);
  if (SHARED_DIRS.has(key) && isRelativePath(value))
    notes.push(
      `'${value}' is relative: on a cluster use a durable location that the JobManager and every TaskManager ` +
        'reach (s3://..., hdfs://..., or file:///shared/...).',
    );
  return { sql: written, note: notes.length > 0 ? notes.join(' ') : undefined };
}

/** `RESET ['key']` for Flink. */
export function flinkReset(key: string | undefined): FlinkSetting {
  if (key === undefined) return { sql: 'RESET' };
  const own = weirOnly(key);
  return own ? { note: `RESET ${quote(key)} is weir-only: ${own}.` } : { sql: `RESET ${quote(key)}` };
}

/** Why a key is weir's own, or undefined for Flink keys. */
function weirOnly(key: string): string | undefined {
  if (Object.hasOwn(NOT_IN_FLINK, key)) return NOT_IN_FLINK[key];
  if (!key.startsWith('weir.')) return undefined;
  return configKey(key)?.description ?? 'a weir setting';
}
