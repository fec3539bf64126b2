// The postgres sink's DML: buffered changes as chunked INSERTs, or per key as upserts (ON CONFLICT DO UPDATE) and DELETEs.
import { RowKind, type Row } from '../../messages';

/** Bind parameters per statement: PostgreSQL takes at most 65535. */
const MAX_PARAMS = 60_000;

export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;
export const quoteLiteral = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/** One buffered change: a row and its kind. */
export interface Op {
  readonly row: Row;
  readonly kind: RowKind;
}

/** The table the rows go to, as the table check found it, and how to write its columns. */
export interface RowTarget {
  /** The table as PostgreSQL names it, quoted. */
  readonly target: string;
  /** Its columns in row order, quoted. */
  readonly columnSql: readonly string[];
  /** Positions of the PRIMARY KEY columns in a row; empty without a key. */
  readonly keyIndexes: readonly number[];
  /** A row position's value as the `pg` client should send it. */
  readonly encoders: readonly ((v: unknown) => unknown)[];
}

/** Runs one statement with its bind parameters (on the data connection, in order). */
export type RunStatement = (sql: string, params: unknown[]) => Promise<unknown>;

/** Writes changes: plain INSERTs without a key; with one, the last change per key as an upsert or DELETE. */
export async function writeChanges(run: RunStatement, t: RowTarget, ops: readonly Op[]): Promise<void> {
  const columns = t.columnSql.join(', ');
  const every = t.encoders.map((_, i) => i);
  const insert = (rows: readonly Row[], suffix: string) =>
    inChunks(
      run,
      t,
      rows,
      every,
      (values) => `INSERT INTO ${t.target} (${columns}) VALUES ${values}${suffix}`,
    );
  if (t.keyIndexes.length === 0) {
    await insert(
      ops.map((o) => o.row),
      '',
    );
    return;
  }
  // The last change of each key wins: deletes and upserts of distinct keys do not depend on each other.
  const last = new Map<string, Op>();
  for (const op of ops) {
    const key = JSON.stringify(t.keyIndexes.map((i) => op.row[i] ?? null));
    last.delete(key);
    last.set(key, op);
  }
  const upserts: Row[] = [];
  const deletes: Row[] = [];
  for (const op of last.values()) {
    if (op.kind === RowKind.Insert || op.kind === RowKind.UpdateAfter) upserts.push(op.row);
    else deletes.push(op.row);
  }
  const keyCols = t.keyIndexes.map((i) => t.columnSql[i]!);
  await inChunks(
    run,
    t,
    deletes,
    t.keyIndexes,
    (values) => `DELETE FROM ${t.target} WHERE (${keyCols.join(', ')}) IN (${values})`,
  );
  if (upserts.length > 0) {
    const rest = t.columnSql.filter((_, i) => !t.keyIndexes.includes(i));
    const update = rest.length
      ? `DO UPDATE SET ${rest.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`
      : 'DO NOTHING';
    await insert(upserts, ` ON CONFLICT (${keyCols.join(', ')}) ${update}`);
  }
}

/**
 * Runs `statement(values)` for `rows`, as many rows a statement as PostgreSQL's bind parameter limit allows;
 * `values` is `($1, $2), ($3, $4), ...` over the columns at `indexes`.
 */
async function inChunks(
  run: RunStatement,
  t: RowTarget,
  rows: readonly Row[],
  indexes: readonly number[],
  statement: (values: string) => string,
): Promise<void> {
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / indexes.length));
  for (let start = 0; start < rows.length; start += perStatement) {
    const params: unknown[] = [];
    const tuples = rows.slice(start, start + perStatement).map((row) => {
      const ph = indexes.map((i) => {
        const v = row[i];
        params.push(v === undefined || v === null ? null : t.encoders[i]!(v));
        return `$${params.length}`;
      });
      return `(${ph.join(', ')})`;
    });
    await run(statement(tuples.join(', ')), params);
  }
}
