// How weir types map onto PostgreSQL: the column type that holds each, and each value as the `pg` client sends it.
import { dateToString } from '../../../compiler/codegen/builtins';
import type { SqlType } from '../../../compiler/types';
import { formatTimestamp } from '../../connectors/values';

/** A PostgreSQL column type that holds the values of a weir type (for the CREATE TABLE hint in errors). */
export function postgresType(t: SqlType): string {
  switch (t.kind) {
    case 'BOOLEAN':
      return 'boolean';
    case 'TINYINT':
    case 'SMALLINT':
      return 'smallint';
    case 'INT':
      return 'integer';
    case 'BIGINT':
      return 'bigint';
    case 'FLOAT':
      return 'real';
    case 'DOUBLE':
      return 'double precision';
    case 'DECIMAL':
      return `numeric(${t.precision}, ${t.scale})`;
    case 'VARCHAR':
      return `varchar(${t.length})`;
    case 'TIMESTAMP':
      return 'timestamp(3)';
    case 'TIMESTAMP_LTZ':
      return 'timestamptz(3)';
    case 'DATE':
      return 'date';
    case 'ROW':
      return 'jsonb';
    default:
      return 'text';
  }
}

/** A value as the `pg` client should send it: timestamps and dates as SQL text, ROWs as JSON. */
export function encoder(t: SqlType): (v: unknown) => unknown {
  switch (t.kind) {
    case 'TIMESTAMP':
      return (v) => (typeof v === 'number' ? formatTimestamp(v) : v);
    case 'TIMESTAMP_LTZ':
      return (v) => (typeof v === 'number' ? new Date(v).toISOString() : v);
    case 'DATE':
      return (v) => (typeof v === 'number' ? dateToString(v) : v);
    case 'ROW': {
      const fields = t.fields.map((f) => ({ name: f.name, enc: encoder(f.type) }));
      const object = (v: unknown): unknown => {
        if (!Array.isArray(v)) return v;
        const o: Record<string, unknown> = {};
        fields.forEach((f, i) => (o[f.name] = v[i] == null ? null : f.enc(v[i])));
        return o;
      };
      return (v) => (v == null ? v : JSON.stringify(object(v)));
    }
    default:
      return (v) => v;
  }
}
