// Rows of a batch as columns for the trip between threads: numeric columns become typed arrays (a copy of
// bytes instead of one msgpack value per field), other columns stay plain arrays.
import type { Row } from '../../messages';

/**
 * A batch as it crosses: [0, rows] as they are (rows of different widths, rare), or [1, n, ...columns]
 * where each column is an Int32Array (every value an int32, no -0), a Float64Array (every value a number)
 * or an array of the values.
 */
export type EncodedRows = readonly [0, readonly Row[]] | readonly [1, number, ...unknown[]];

export function encodeRows(rows: readonly Row[]): EncodedRows {
  const n = rows.length;
  const width = n > 0 ? rows[0]!.length : 0;
  for (let i = 1; i < n; i++) if (rows[i]!.length !== width) return [0, rows];
  const out: unknown[] = [1, n];
  for (let c = 0; c < width; c++) out.push(encodeColumn(rows, c, n));
  return out as unknown as EncodedRows;
}

function encodeColumn(rows: readonly Row[], c: number, n: number): unknown {
  let ints = true;
  for (let i = 0; i < n; i++) {
    const v = rows[i]![c];
    if (typeof v !== 'number') return plainColumn(rows, c, n);
    if (ints && ((v | 0) !== v || Object.is(v, -0))) ints = false;
  }
  const col = ints ? new Int32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) col[i] = rows[i]![c] as number;
  return col;
}

function plainColumn(rows: readonly Row[], c: number, n: number): unknown[] {
  const col = new Array<unknown>(n);
  for (let i = 0; i < n; i++) col[i] = rows[i]![c];
  return col;
}

export function decodeRows(x: EncodedRows): Row[] {
  if (x[0] === 0) return x[1] as Row[];
  return rowBuilder(x.length - 2)(x as unknown as ArrayLike<unknown>[]);
}

/**
 * Rows are built as array literals, as operators build theirs, so that a row from another thread has the
 * same hidden class (packed elements) as one from this thread. A holey row (`new Array(width)` filled in)
 * made every access downstream polymorphic: the keyed count's state lookups cost 0.4 s more per 12M events.
 */
type RowBuilder = (x: ArrayLike<unknown>[]) => Row[];
const builders: RowBuilder[] = [];

function rowBuilder(width: number): RowBuilder {
  let b = builders[width];
  if (b === undefined) {
    const cols = Array.from({ length: width }, (_, c) => `c${c}`);
    const load = cols.map((name, c) => `const ${name} = x[${c + 2}];`).join(' ');
    const row = cols.map((name) => `${name}[i]`).join(', ');
    b = new Function(
      'x',
      `'use strict'; ${load} const n = x[1]; const rows = []; for (let i = 0; i < n; i++) rows.push([${row}]); return rows;`,
    ) as RowBuilder;
    builders[width] = b;
  }
  return b;
}
