// Row order for Top-N: the ORDER BY columns of an OVER clause, NULL sorting as the smallest value (as in Flink).
import type { OrderKey } from '../../compiler/logical/plan';
import type { Row } from '../messages';

/** Compares two SQL values of one type: NULL first, then numbers, strings and booleans in their natural order. */
export function compareValues(x: unknown, y: unknown): number {
  if (x === y) return 0;
  if (x === null || x === undefined) return -1;
  if (y === null || y === undefined) return 1;
  return (x as number) < (y as number) ? -1 : (x as number) > (y as number) ? 1 : 0;
}

/** A comparator of rows by `keys` (DESC reverses a key, so NULLs come last there). */
export function rowComparator(keys: readonly OrderKey[]): (a: Row, b: Row) => number {
  return (a, b) => {
    for (const k of keys) {
      const c = compareValues(a[k.index], b[k.index]);
      if (c !== 0) return k.descending ? -c : c;
    }
    return 0;
  };
}
