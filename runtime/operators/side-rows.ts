// How one side of a regular join keeps its rows under a key: fields in one flat array, a list of rows, or a multiset.
import type { Row } from '../messages';

/**
 * An insert-only input keeps its rows flat: the row width, then every row's fields one after another
 * (`[2, a1, b1, a2, b2]`). That is one array per key instead of one per row, so the collector copies and
 * marks one object where a busy key had thousands, and a snapshot reads the fields in order from memory
 * that lies together. A list of rows (state written before rows were kept flat) is read as it is.
 * An updating input keeps a multiset keyed by row identity (its JSON), each entry `[row, count]`, replaced,
 * never mutated. Numbers, arrays and Maps only: snapshots round-trip them through msgpack unchanged.
 */
export type SideEntries = unknown[] | Map<string, [Row, number]>;
export type SideRows = [entries: SideEntries, lastWrite?: number];

/** Whether `e` holds rows flat (its first element is the row width; a list of rows starts with a row). */
export function isFlat(e: SideEntries): boolean {
  return Array.isArray(e) && typeof e[0] === 'number';
}

/** Empty entries for an insert-only side of rows `width` wide (a list where there are no fields to lay out). */
export function emptyRows(width: number): unknown[] {
  return width > 0 ? [width] : [];
}

/**
 * Adds an insert-only row to a flat or listed side. A row of another width than the flat ones (the join's
 * input changed its columns between a savepoint and its restore) turns the key's rows into a list, so that
 * every row keeps its own fields.
 */
export function appendRow(s: SideRows, row: Row): void {
  const e = s[0] as unknown[];
  if (isFlat(e) && row.length === e[0]) {
    for (let j = 0; j < row.length; j++) e.push(row[j]);
    return;
  }
  const list = isFlat(e) ? listedRows(e) : e;
  list.push(row);
  s[0] = list;
}

/** The number of distinct entries (rows of a list, or multiset entries). */
export function sizeOf(e: SideEntries): number {
  if (!Array.isArray(e)) return e.size;
  return isFlat(e) ? (e.length - 1) / (e[0] as number) : e.length;
}

/** The rows of a list or of flat entries, each as its own array. */
export function listedRows(e: unknown[]): Row[] {
  if (!isFlat(e)) return e as Row[];
  const w = e[0] as number;
  const rows: Row[] = [];
  for (let i = 1; i < e.length; i += w) rows.push(e.slice(i, i + w));
  return rows;
}

/** A copy to write into (copy-on-write while a snapshot reads the original): entries are never mutated. */
export function cloneSide(s: SideRows): SideRows {
  const entries = Array.isArray(s[0]) ? s[0].slice() : new Map(s[0]);
  return s.length > 1 ? [entries, s[1]] : [entries];
}

/** The multiset of a list (a retraction came for rows kept as a list: a restored state, an edited query). */
export function asMultiset(s: SideRows): Map<string, [Row, number]> {
  const entries = s[0];
  if (!Array.isArray(entries)) return entries;
  const m = new Map<string, [Row, number]>();
  for (const row of listedRows(entries)) {
    const id = JSON.stringify(row);
    const e = m.get(id);
    m.set(id, e ? [e[0], e[1] + 1] : [row, 1]);
  }
  s[0] = m;
  return m;
}
