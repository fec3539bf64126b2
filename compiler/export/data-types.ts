// Column and CAST types in Flink's spelling: weir's type names are Flink's, so this only prints them.
import type { DataTypeNode } from '../../grammar/ast';
import { ident } from './identifiers';

/**
 * A data type as Flink SQL text.
 * @example dataType(parsed `ROW<id BIGINT, name VARCHAR> NOT NULL`) // "ROW<id BIGINT, `name` VARCHAR> NOT NULL"
 */
export function dataType(t: DataTypeNode): string {
  const base =
    t.name === 'ROW'
      ? `ROW<${t.fields.map((f) => `${ident(f.name)} ${dataType(f.type)}`).join(', ')}>`
      : t.args.length > 0
        ? `${t.name}(${t.args.join(', ')})`
        : t.name;
  return t.notNull ? `${base} NOT NULL` : base;
}
