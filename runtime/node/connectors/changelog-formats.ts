// The changelog line formats: weir's changelog-json and Flink's debezium-json, each line to rows with change kinds.
import type { Field } from '../../../compiler/types';
import { type Row, RowKind } from '../../messages';
import { BadRecord, shown } from './bad-record';
import { jsonConverter } from './field-values';

/** Parses one line and hands each row it holds to `emit` (a Debezium update holds two). */
export type ChangelogLineParser = (line: string, emit: (row: Row, kind: RowKind) => void) => void;

const KINDS: Readonly<Record<string, RowKind>> = {
  '+I': RowKind.Insert,
  '-U': RowKind.UpdateBefore,
  '+U': RowKind.UpdateAfter,
  '-D': RowKind.Delete,
};

function parseObject(line: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (e) {
    throw new BadRecord(`invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new BadRecord(`expected a JSON object, got ${shown(v)}`);
  return v as Record<string, unknown>;
}

/** Reads an object's members by field name into a typed row. */
function objectReader(fields: readonly Field[]): (v: unknown, what: string) => Row {
  const cols = fields.map((f) => ({ name: f.name, conv: jsonConverter(f.type, `field '${f.name}'`) }));
  return (v, what) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      throw new BadRecord(`expected ${what} to be a JSON object, got ${shown(v)}`);
    const o = v as Record<string, unknown>;
    const row: Row = new Array(cols.length);
    for (let i = 0; i < cols.length; i++) row[i] = cols[i]!.conv(o[cols[i]!.name]);
    return row;
  };
}

/**
 * weir's changelog-json, as its filesystem sink writes it: `{"op":"+I"|"-U"|"+U"|"-D","data":{...}}`.
 * @example changelogJsonParser(fields)('{"op":"-D","data":{"id":1}}', emit) // emit([1], RowKind.Delete)
 */
export function changelogJsonParser(fields: readonly Field[]): ChangelogLineParser {
  const read = objectReader(fields);
  return (line, emit) => {
    const o = parseObject(line);
    const kind = typeof o['op'] === 'string' ? KINDS[o['op']] : undefined;
    if (kind === undefined)
      throw new BadRecord(`"op" must be one of "+I", "-U", "+U", "-D", got ${shown(o['op'])}`);
    emit(read(o['data'], '"data"'), kind);
  };
}

/**
 * Debezium's JSON change events, read as Flink's debezium-json format reads them: "op" "c" (create) and "r"
 * (snapshot read) insert "after"; "u" retracts "before" (-U) and adds "after" (+U); "d" deletes "before".
 * With `schemaInclude` the event is the "payload" of `{"schema":…,"payload":…}`. An update or delete without
 * "before" is an error, as in Flink (a PostgreSQL table needs REPLICA IDENTITY FULL).
 */
export function debeziumJsonParser(fields: readonly Field[], schemaInclude: boolean): ChangelogLineParser {
  const read = objectReader(fields);
  return (line, emit) => {
    let o = parseObject(line);
    if (schemaInclude) {
      const p = o['payload'];
      if (typeof p !== 'object' || p === null || Array.isArray(p))
        throw new BadRecord(
          `'debezium-json.schema-include' is 'true', but the record has no "payload" object${'before' in o || 'after' in o ? " (it looks like a record without schema: set 'debezium-json.schema-include' = 'false')" : ''}`,
        );
      o = p as Record<string, unknown>;
    } else if ('payload' in o && 'schema' in o && !('op' in o)) {
      throw new BadRecord(
        `the record has "schema" and "payload": set 'debezium-json.schema-include' = 'true' to read it`,
      );
    }
    const op = o['op'];
    const missingBefore = (what: string) =>
      new BadRecord(
        `the "before" field of a ${what} event is null; a PostgreSQL table captured by Debezium needs REPLICA IDENTITY FULL`,
      );
    switch (op) {
      case 'c':
      case 'r':
        emit(read(o['after'], '"after"'), RowKind.Insert);
        return;
      case 'u': {
        if (o['before'] === null || o['before'] === undefined) throw missingBefore('UPDATE');
        // Both read before either is emitted: a bad "after" leaves nothing half done.
        const before = read(o['before'], '"before"');
        const after = read(o['after'], '"after"');
        emit(before, RowKind.UpdateBefore);
        emit(after, RowKind.UpdateAfter);
        return;
      }
      case 'd':
        if (o['before'] === null || o['before'] === undefined) throw missingBefore('DELETE');
        emit(read(o['before'], '"before"'), RowKind.Delete);
        return;
      default:
        throw new BadRecord(`unknown "op" value ${shown(op)} (Debezium's are "c", "r", "u", "d")`);
    }
  };
}
