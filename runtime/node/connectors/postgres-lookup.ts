// Lookups in a PostgreSQL table for a processing-time temporal join: a batch's missing keys in one query, Flink's PARTIAL cache.
import pg from 'pg';
import type { TableDef } from '../../../compiler/catalog';
import { parseDuration } from '../../../compiler/options';
import type { Field, SqlType } from '../../../compiler/types';
import type { ConnectorContext, LookupTable } from '../../connectors/connector';
import { type StateKey, keySelector } from '../../key-groups';
import type { Row } from '../../messages';
import { encoder } from './postgres-values';
import { quoteIdent } from './postgres-statements';

/** Keys per query (two bind parameters a key at most, well under PostgreSQL's 65,535). */
const KEYS_PER_QUERY = 1000;

interface Cached {
  readonly rows: Row[];
  readonly written: number;
  accessed: number;
}

/** A value read by `pg` as the runtime value of `t` (BIGINT and NUMERIC arrive as strings, timestamps as Dates). */
function decoder(t: SqlType): (v: unknown) => unknown {
  switch (t.kind) {
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT':
    case 'FLOAT':
    case 'DOUBLE':
    case 'DECIMAL':
      return (v) => (v === null || v === undefined ? null : Number(v));
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
    case 'DATE':
      return (v) =>
        v === null || v === undefined ? null : v instanceof Date ? v.getTime() : Date.parse(String(v));
    default:
      return (v) => (v === undefined ? null : v);
  }
}

/**
 * The rows of `table-name` by the lookup key columns. Before each input batch, `prepare` asks for the keys that
 * the cache does not hold in one query per 1,000 keys; `get` then answers from memory. Options as Flink's JDBC
 * connector: 'lookup.cache' NONE (each batch asks again) or PARTIAL with 'lookup.partial-cache.max-rows',
 * '…expire-after-write', '…expire-after-access' and '…cache-missing-key'; a failed query is retried
 * 'lookup.max-retries' times, a lost connection fails the task (the job restarts from its checkpoint).
 */
export class PostgresLookup implements LookupTable {
  private client: pg.Client | undefined;
  private lost: Error | undefined;
  private ctx!: ConnectorContext;
  private readonly cache = new Map<StateKey, Cached>();
  private readonly select: (row: Row) => StateKey;
  private readonly decoders: ((v: unknown) => unknown)[];
  private readonly encoders: ((v: unknown) => unknown)[];
  private readonly partial: boolean;
  private readonly maxRows: number;
  private readonly expireAfterWrite: number;
  private readonly expireAfterAccess: number;
  private readonly cacheMissing: boolean;
  private readonly retries: number;
  private readonly sqlHead: string;
  private readonly keySql: string[];

  constructor(
    private readonly table: TableDef,
    private readonly schema: readonly Field[],
    private readonly keys: readonly number[],
  ) {
    const o = table.options;
    this.select = keySelector(keys);
    this.decoders = schema.map((f) => decoder(f.type));
    this.encoders = keys.map((k) => encoder(schema[k]!.type));
    this.partial = (o['lookup.cache'] ?? 'NONE').toUpperCase() === 'PARTIAL';
    this.maxRows = Number(o['lookup.partial-cache.max-rows'] ?? Infinity) || Infinity;
    this.expireAfterWrite = parseDuration(o['lookup.partial-cache.expire-after-write'] ?? '') ?? Infinity;
    this.expireAfterAccess = parseDuration(o['lookup.partial-cache.expire-after-access'] ?? '') ?? Infinity;
    this.cacheMissing = (o['lookup.partial-cache.cache-missing-key'] ?? 'true').toLowerCase() !== 'false';
    this.retries = Math.max(0, Number(o['lookup.max-retries'] ?? 3) || 0);
    const target = (o['table-name'] ?? '').split('.').map(quoteIdent).join('.');
    this.sqlHead = `SELECT ${schema.map((f) => quoteIdent(f.name)).join(', ')} FROM ${target} WHERE `;
    this.keySql = keys.map((k) => quoteIdent(schema[k]!.name));
  }

  private error(text: string): Error {
    return new Error(
      `postgres lookup '${this.table.name}' (table '${this.table.options['table-name']}'): ${text}`,
    );
  }

  async open(ctx: ConnectorContext): Promise<void> {
    this.ctx = ctx;
    const url = this.table.options['url'] ?? '';
    const client = new pg.Client({
      connectionString: url,
      application_name: `weir lookup ${ctx.subtaskIndex} ${ctx.jobName}`.slice(0, 63),
      connectionTimeoutMillis: 10_000,
    });
    client.on('error', (e) => {
      this.lost = e;
    });
    try {
      await client.connect();
    } catch (e) {
      await client.end().catch(() => {});
      throw this.error(`cannot connect to PostgreSQL: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.client = client;
  }

  prepare(keys: readonly StateKey[], values: readonly (readonly unknown[])[]): Promise<void> | undefined {
    const now = this.ctx.clock.now();
    if (!this.partial) this.cache.clear();
    let missing: Map<StateKey, readonly unknown[]> | undefined;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const c = this.cache.get(key);
      if (c && now - c.written <= this.expireAfterWrite && now - c.accessed <= this.expireAfterAccess) {
        c.accessed = now;
        // Least recently used first: a hit moves to the end.
        this.cache.delete(key);
        this.cache.set(key, c);
        continue;
      }
      (missing ??= new Map()).set(key, values[i]!);
    }
    return missing ? this.load([...missing], now, keys.length) : undefined;
  }

  get(key: StateKey): readonly Row[] | undefined {
    return this.cache.get(key)?.rows;
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    if (c) await Promise.race([c.end().catch(() => {}), new Promise((r) => setTimeout(r, 2000).unref?.())]);
  }

  // -------------------------------------------------------------------------------------------------------

  /** Loads `keys`; then evicts down to max-rows, never below the `batchKeys` keys the batch needs. */
  private async load(keys: [StateKey, readonly unknown[]][], now: number, batchKeys: number): Promise<void> {
    for (let i = 0; i < keys.length; i += KEYS_PER_QUERY) {
      const chunk = keys.slice(i, i + KEYS_PER_QUERY);
      const found = new Map<StateKey, Row[]>();
      for (const row of await this.query(chunk)) {
        const key = this.select(row);
        const list = found.get(key);
        if (list) list.push(row);
        else found.set(key, [row]);
      }
      for (const [key] of chunk) {
        const rows = found.get(key);
        if (!rows && this.partial && !this.cacheMissing) continue;
        this.cache.set(key, { rows: rows ?? [], written: now, accessed: now });
      }
    }
    // PARTIAL: the least recently used entries go first once the cache holds more than max-rows keys (the
    // batch's own keys are the most recent).
    if (this.partial) {
      let over = this.cache.size - Math.max(this.maxRows, batchKeys);
      for (const key of this.cache.keys()) {
        if (over-- <= 0) break;
        this.cache.delete(key);
      }
    }
  }

  /** The table's rows with these keys, retried on errors; a lost connection fails at once. */
  private async query(keys: readonly [StateKey, readonly unknown[]][]): Promise<Row[]> {
    const params: unknown[] = [];
    const tuples = keys.map(([, values]) => {
      const refs = values.map((v, j) => {
        params.push(this.encoders[j]!(v));
        return `$${params.length}`;
      });
      return refs.length === 1 ? refs[0]! : `(${refs.join(', ')})`;
    });
    const lhs = this.keySql.length === 1 ? this.keySql[0]! : `(${this.keySql.join(', ')})`;
    const sql = `${this.sqlHead}${lhs} IN (${tuples.join(', ')})`;
    for (let attempt = 0; ; attempt++) {
      if (this.lost || !this.client)
        throw this.error(`the connection to PostgreSQL was lost: ${this.lost?.message ?? 'closed'}`);
      try {
        const r = await this.client.query({ text: sql, values: params, rowMode: 'array' });
        return (r.rows as unknown[][]).map((row) => row.map((v, c) => this.decoders[c]!(v)));
      } catch (e) {
        const lost = this.lost as Error | undefined;
        if (lost) throw this.error(`the connection to PostgreSQL was lost: ${lost.message}`);
        if (attempt >= this.retries)
          throw this.error(
            `lookup failed after ${attempt + 1} attempts ('lookup.max-retries' = ${this.retries}): ${e instanceof Error ? e.message : String(e)}`,
          );
        await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
      }
    }
  }
}
