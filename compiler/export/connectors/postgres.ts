// weir's postgres sink → Flink's JDBC connector: the URL rewritten as a JDBC URL, semantics explained.
import { postgresSemantic } from '../../connectors';
import { type ConnectorMapping, type FlinkOption, type MappingContext } from './mapping';

const URL = /^postgres(?:ql)?:\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/?]*)(\/[^?]*)?(\?.*)?$/i;

/**
 * `postgres://user:secret@host:5432/db?sslmode=require` → url `jdbc:postgresql://host:5432/db?sslmode=require`,
 * username `user`, password `secret` (Flink's JDBC connector takes the credentials as options).
 */
function url(value: string, key: string, ctx: MappingContext): readonly FlinkOption[] {
  const m = URL.exec(value);
  if (!m) {
    ctx.note(`'${key}' = '${value}' is not a postgres:// URL: check the JDBC url.`);
    return [['url', value]];
  }
  const [, user, password, host, database, query] = m;
  const options: FlinkOption[] = [['url', `jdbc:postgresql://${host}${database ?? '/'}${query ?? ''}`]];
  if (user) options.push(['username', decodeURIComponent(user)]);
  if (password !== undefined) options.push(['password', decodeURIComponent(password)]);
  return options;
}

/** What 'sink.semantic' becomes: Flink's JDBC table sink upserts by the PRIMARY KEY, or appends without one. */
function semantics(ctx: MappingContext): void {
  const semantic = postgresSemantic(Object.fromEntries(ctx.options));
  const keyed = (ctx.table.primaryKey?.columns.length ?? 0) > 0;
  const written = ctx.options.has('sink.semantic')
    ? `'sink.semantic' = '${semantic}'`
    : `weir's default '${semantic}'`;
  if (keyed) {
    const before: Readonly<Record<string, string>> = {
      upsert: "as weir's upsert",
      'exactly-once': "Flink's SQL JDBC sink has no two-phase commit",
      'at-least-once': 'weir inserted plain rows instead',
    };
    ctx.note(
      `${written}: Flink's JDBC sink writes by the PRIMARY KEY (INSERT ... ON CONFLICT DO UPDATE, DELETE), ` +
        'an idempotent upsert: after a failure the replayed changes are written again and the table ends exact ' +
        `(${before[semantic] ?? semantic}).`,
    );
  } else {
    ctx.note(
      `${written}: without a PRIMARY KEY Flink's JDBC sink appends rows (plain INSERTs), at-least-once: rows ` +
        'written after the last completed checkpoint are inserted again after a failure.',
    );
  }
}

export const POSTGRES: ConnectorMapping = {
  flinkConnector: 'jdbc',
  requires:
    'flink-connector-jdbc (from 4.0 also flink-connector-jdbc-postgres) and the PostgreSQL JDBC driver (org.postgresql:postgresql)',
  rules: [
    { key: 'url', map: url },
    { key: 'table-name', map: 'same' },
    { key: 'sink.semantic', map: () => [] },
    { key: 'sink.buffer-flush.max-rows', map: 'same' },
    // Lookup joins: Flink's JDBC connector has the same options.
    { key: /^lookup\./, map: 'same' },
  ],
  table: (ctx) => {
    semantics(ctx);
    return [];
  },
};
