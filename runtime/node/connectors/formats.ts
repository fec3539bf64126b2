// The line formats of the filesystem source: a JSON or CSV line to a typed row, or a BadRecord.
import type { Field } from '../../../compiler/types';
import type { Row } from '../../messages';
import { BadRecord, shown } from './bad-record';
import { csvConverter, jsonConverter } from './field-values';

/**
 * Splits one CSV line: fields separated by `delimiter`, optionally quoted with "" as an escaped quote.
 * An empty unquoted field is null; a quoted one is ''.
 * @example splitCsv('1,"a ""b""",', ',') // ['1', 'a "b"', null]
 */
export function splitCsv(line: string, delimiter: string): (string | null)[] {
  const out: (string | null)[] = [];
  const n = line.length;
  const dl = delimiter.length;
  let i = 0;
  for (;;) {
    if (line.charCodeAt(i) === 34) {
      let s = '';
      let j = i + 1;
      for (;;) {
        const q = line.indexOf('"', j);
        if (q < 0) throw new BadRecord(`unterminated quoted field ${out.length + 1}`);
        s += line.slice(j, q);
        if (line.charCodeAt(q + 1) === 34) {
          s += '"';
          j = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(s);
      if (i >= n) return out;
      if (!line.startsWith(delimiter, i)) {
        throw new BadRecord(`unexpected ${shown(line[i])} after the closing quote of field ${out.length}`);
      }
      i += dl;
    } else {
      const d = line.indexOf(delimiter, i);
      const end = d < 0 ? n : d;
      out.push(end === i ? null : line.slice(i, end));
      if (d < 0) return out;
      i = d + dl;
    }
  }
}

/** Parses a JSON lines record: one object whose members are read by field name. */
export function jsonLineParser(fields: readonly Field[]): (line: string) => Row {
  const cols = fields.map((f) => ({ name: f.name, conv: jsonConverter(f.type, `field '${f.name}'`) }));
  return (line) => {
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      throw new BadRecord(`invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      throw new BadRecord(`expected a JSON object, got ${shown(v)}`);
    const o = v as Record<string, unknown>;
    const row: Row = new Array(cols.length);
    for (let i = 0; i < cols.length; i++) row[i] = cols[i]!.conv(o[cols[i]!.name]);
    return row;
  };
}

/** Parses a CSV record: exactly one field per column, in column order. */
export function csvLineParser(fields: readonly Field[], delimiter: string): (line: string) => Row {
  const convs = fields.map((f) => csvConverter(f.type, `field '${f.name}'`));
  return (line) => {
    const parts = splitCsv(line, delimiter);
    if (parts.length !== convs.length) {
      throw new BadRecord(`expected ${convs.length} fields, found ${parts.length}`);
    }
    const row: Row = new Array(convs.length);
    for (let i = 0; i < convs.length; i++) row[i] = convs[i]!(parts[i]!);
    return row;
  };
}
