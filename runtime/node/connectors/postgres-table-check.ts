// On open, the postgres sink checks its target table: it exists, has every column written, and a unique key on the sink's key.
import type pg from 'pg';
import type { Field } from '../../../compiler/types';
import { errorMessage, sinkError, type PostgresSinkOptions } from './postgres-options';
import { quoteIdent } from './postgres-statements';
import { postgresType } from './postgres-values';

/** The table as PostgreSQL names it, quoted, and the sink's columns in row order as the table spells them, quoted. */
export interface CheckedTable {
  readonly target: string;
  readonly columnSql: string[];
}

/**
 * The table exists and has every column of the sink (and a unique key on the PRIMARY KEY for upserts); throws
 * an error that says how to create or fix it otherwise.
 */
export async function checkTable(
  client: pg.Client,
  o: PostgresSinkOptions,
  fields: readonly Field[],
  keyIndexes: readonly number[],
): Promise<CheckedTable> {
  const error = (text: string) => sinkError(o, text);
  let oid: number | null;
  let target: string;
  try {
    const r = await client.query<{ oid: number | null; name: string | null }>(
      'SELECT to_regclass($1)::oid AS oid, to_regclass($1)::text AS name',
      [o.tableName],
    );
    oid = r.rows[0]?.oid ?? null;
    target = r.rows[0]?.name ?? '';
  } catch (e) {
    throw error(`'table-name' = '${o.tableName}' is not a table name: ${errorMessage(e)}`);
  }
  const hint = () => {
    const cols = fields.map((f) => `${f.name} ${postgresType(f.type)}`);
    const key = keyIndexes.length
      ? `, PRIMARY KEY (${keyIndexes.map((i) => fields[i]!.name).join(', ')})`
      : '';
    return `CREATE TABLE ${o.tableName} (${cols.join(', ')}${key})`;
  };
  if (oid === null) {
    throw error(
      `table '${o.tableName}' does not exist in database '${o.database}' at ${o.where}; create it, e.g. ${hint()}`,
    );
  }
  const attrs = (
    await client.query<{ num: number; name: string; notnull: boolean; hasdef: boolean }>(
      // An identity column fills itself without a default (atthasdef is false for it).
      "SELECT attnum AS num, attname AS name, attnotnull AS notnull, atthasdef OR attidentity <> '' AS hasdef FROM pg_attribute WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
      [oid],
    )
  ).rows;
  const missing: string[] = [];
  const used = new Set<string>();
  const columnSql = fields.map((f) => {
    const exact = attrs.find((a) => a.name === f.name);
    const folded = attrs.filter((a) => a.name.toLowerCase() === f.name.toLowerCase());
    const a = exact ?? (folded.length === 1 ? folded[0] : undefined);
    if (!a) missing.push(f.name);
    else used.add(a.name);
    return quoteIdent(a?.name ?? f.name);
  });
  const tableColumns = attrs.map((a) => a.name).join(', ');
  if (missing.length > 0) {
    throw error(
      `table '${target}' in database '${o.database}' at ${o.where} has no column ${missing.map((m) => `'${m}'`).join(', ')} (the sink writes ${fields.map((f) => f.name).join(', ')}; the table has ${tableColumns})`,
    );
  }
  const unfilled = attrs.filter((a) => !used.has(a.name) && a.notnull && !a.hasdef);
  if (unfilled.length > 0) {
    throw error(
      `table '${target}' has NOT NULL column(s) ${unfilled.map((a) => `'${a.name}'`).join(', ')} without a default that the sink does not write (the sink writes ${fields.map((f) => f.name).join(', ')})`,
    );
  }
  if (keyIndexes.length > 0) {
    const key = new Set(keyIndexes.map((i) => columnSql[i]!));
    const indexes = (
      await client.query<{ cols: number[] }>(
        'SELECT indkey::int2[] AS cols FROM pg_index WHERE indrelid = $1 AND indisunique AND indpred IS NULL',
        [oid],
      )
    ).rows;
    const byNum = new Map(attrs.map((a) => [a.num, quoteIdent(a.name)]));
    const matches = indexes.some(
      (ix) => ix.cols.length === key.size && ix.cols.every((n) => key.has(byNum.get(n) ?? '')),
    );
    if (!matches) {
      const names = keyIndexes.map((i) => fields[i]!.name).join(', ');
      throw error(
        `table '${target}' has no PRIMARY KEY or UNIQUE constraint on (${names}), the sink's PRIMARY KEY: updates and upserts need one (ALTER TABLE ${target} ADD PRIMARY KEY (${names}))`,
      );
    }
  }
  return { target, columnSql };
}
