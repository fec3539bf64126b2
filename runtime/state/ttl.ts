// State TTL cleanup shared by operators: sweeps a few key groups per call, deleting entries past their TTL.
import type { KeyGroupRange, StateKey } from '../key-groups';
import type { KeyedTable } from './backend';

/** Key groups visited per call: a full pass over 128 groups takes 16 processing-time ticks. */
const GROUPS_PER_SWEEP = 8;

/**
 * Deletes, in the next few key groups after `cursor`, every entry of `tables` that `expired` says is
 * past its TTL (silently, as Flink's TTL cleanup does). Returns the new cursor.
 */
export function sweepExpired<V>(
  tables: readonly KeyedTable<V>[],
  range: KeyGroupRange,
  cursor: number,
  expired: (value: V) => boolean,
): number {
  const groups = range.end - range.start + 1;
  for (let n = 0; n < Math.min(GROUPS_PER_SWEEP, groups); n++) {
    const kg = range.start + (cursor++ % groups);
    for (const table of tables) {
      const gone: StateKey[] = [];
      for (const [key, value] of table.entries(kg)) if (expired(value)) gone.push(key);
      for (const key of gone) table.delete(kg, key);
    }
  }
  return cursor;
}
