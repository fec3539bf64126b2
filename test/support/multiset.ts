// Query results as multisets of rows (row JSON → count), to compare weir's committed output with an oracle's answer.
import { committedRows } from '../e2e/crash-harness';

export type Value = number | string | boolean | null;
export type Rows = Map<string, number>;

/** A value in a form both sides agree on (DuckDB's BIGINTs arrive as bigint). */
export function normalizeValue(v: unknown): Value {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  return String(v);
}

export function addRow(rows: Rows, values: readonly unknown[], n = 1): void {
  const key = JSON.stringify(values.map(normalizeValue));
  rows.set(key, (rows.get(key) ?? 0) + n);
}

/** A changelog-json sink folder's committed rows, as value arrays in the sink's column order. */
export function sinkRows(folder: string): Rows {
  const rows: Rows = new Map();
  for (const [data, n] of committedRows(folder)) addRow(rows, Object.values(JSON.parse(data) as object), n);
  return rows;
}

/** Rows of x beyond their count in y, with the surplus (the first 10). */
export function surplus(x: Rows, y: Rows): string[] {
  return [...x]
    .filter(([row, n]) => n > (y.get(row) ?? 0))
    .map(([row, n]) => `${n - (y.get(row) ?? 0)}× ${row}`)
    .sort()
    .slice(0, 10);
}

/** What differs between weir's rows and the oracle's. */
export function difference(weir: Rows, oracle: Rows): { onlyInWeir: string[]; onlyInOracle: string[] } {
  return { onlyInWeir: surplus(weir, oracle), onlyInOracle: surplus(oracle, weir) };
}

export const total = (m: Rows): number => [...m.values()].reduce((s, n) => s + n, 0);
