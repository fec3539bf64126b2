// Key groups (Flink's KeyGroupRangeAssignment): hash(key) mod max parallelism, contiguous ranges per subtask.
import type { Row } from './messages';

/** A state key: a single column's value, or a composite key encoded as a string. */
export type StateKey = string | number | boolean;

const NULL_KEY = '\u0000null';

/** The state key of `row` over the key columns: the raw value for one column (fast path), else an encoded string. */
export function keyOf(row: Row, keys: readonly number[]): StateKey {
  if (keys.length === 1) {
    const v = row[keys[0]!];
    return v === null || v === undefined
      ? NULL_KEY
      : typeof v === 'object'
        ? JSON.stringify(v)
        : (v as StateKey);
  }
  // Strings are length-prefixed so that no separator inside a value can make two keys collide.
  let s = '';
  for (let i = 0; i < keys.length; i++) {
    const v = row[keys[i]!];
    if (v === null || v === undefined) s += 'z;';
    else if (typeof v === 'string') s += `s${v.length}:${v};`;
    else if (typeof v === 'object') {
      const j = JSON.stringify(v);
      s += `o${j.length}:${j};`;
    } else s += `${typeof v === 'number' ? 'n' : 'b'}${v};`;
  }
  return s;
}

/** A key extractor for fixed key columns (avoids re-checking the column count per row). */
export function keySelector(keys: readonly number[]): (row: Row) => StateKey {
  if (keys.length === 1) {
    const k = keys[0]!;
    return (row) => {
      const v = row[k];
      return v === null || v === undefined
        ? NULL_KEY
        : typeof v === 'object'
          ? JSON.stringify(v)
          : (v as StateKey);
    };
  }
  return (row) => keyOf(row, keys);
}

function murmurMix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function stringHash(s: string): number {
  let h = 0x9747b28c;
  for (let i = 0; i < s.length; i++) {
    h = Math.imul(h ^ s.charCodeAt(i), 0x5bd1e995);
    h ^= h >>> 13;
  }
  return h;
}

/** A deterministic 32-bit hash of a state key (the same in every process and in the browser). */
export function keyHash(key: StateKey): number {
  if (typeof key === 'number') {
    if (Number.isInteger(key) && key >= -2147483648 && key <= 2147483647) return murmurMix(key | 0);
    if (Number.isInteger(key)) return murmurMix((key % 4294967296) ^ Math.floor(key / 4294967296));
    return murmurMix(stringHash(String(key)));
  }
  if (typeof key === 'boolean') return murmurMix(key ? 1231 : 1237);
  return murmurMix(stringHash(key));
}

export function keyGroupOf(key: StateKey, maxParallelism: number): number {
  return keyHash(key) % maxParallelism;
}

/** The subtask that owns a key group: Flink's `keyGroup * parallelism / maxParallelism`. */
export function subtaskForKeyGroup(keyGroup: number, parallelism: number, maxParallelism: number): number {
  return Math.floor((keyGroup * parallelism) / maxParallelism);
}

/** The contiguous key groups subtask `index` of `parallelism` owns, [start, end] inclusive. */
export interface KeyGroupRange {
  readonly start: number;
  readonly end: number;
}

export function keyGroupRange(index: number, parallelism: number, maxParallelism: number): KeyGroupRange {
  return {
    start: Math.ceil((index * maxParallelism) / parallelism),
    end: Math.ceil(((index + 1) * maxParallelism) / parallelism) - 1,
  };
}

export function rangeContains(r: KeyGroupRange, keyGroup: number): boolean {
  return keyGroup >= r.start && keyGroup <= r.end;
}
