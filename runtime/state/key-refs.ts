// The keys of keyed state an operator call will touch: what a disk-backed state backend loads before the call.
import { type StateKey, keyGroupOf } from '../key-groups';

/** Parallel arrays of (key group, key), reused between calls; duplicates are allowed. */
export class StateKeyRefs {
  readonly keyGroups: number[] = [];
  readonly keys: StateKey[] = [];

  add(keyGroup: number, key: StateKey): void {
    this.keyGroups.push(keyGroup);
    this.keys.push(key);
  }

  get length(): number {
    return this.keys.length;
  }

  clear(): void {
    this.keyGroups.length = 0;
    this.keys.length = 0;
  }
}

/** Adds the key of every row (by `select`) with its key group: what a keyed operator's batch touches. */
export function addRowKeys(
  rows: readonly (readonly unknown[])[],
  select: (row: never) => StateKey,
  maxParallelism: number,
  into: StateKeyRefs,
): void {
  const sel = select as (row: readonly unknown[]) => StateKey;
  for (let i = 0; i < rows.length; i++) {
    const key = sel(rows[i]!);
    into.add(keyGroupOf(key, maxParallelism), key);
  }
}
