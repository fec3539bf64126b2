// ChangelogNormalize alone, and the changelog formats' line parsers: Flink's normalization rules and Debezium's errors.
import { describe, expect, it } from 'vitest';
import type { Field } from '../../compiler/types';
import { type RecordBatch, type Row, ROW_KIND_SHORT, RowKind } from '../../runtime/messages';
import { changelogJsonParser, debeziumJsonParser } from '../../runtime/node/connectors/changelog-formats';
import { BadRecord } from '../../runtime/node/connectors/bad-record';
import { ChangelogNormalizeOperator } from '../../runtime/operators/changelog-normalize';
import { HeapKeyedStateBackend } from '../../runtime/state/heap-backend';
import { operatorContext } from '../support/operator-context';

const I = RowKind.Insert;
const UB = RowKind.UpdateBefore;
const UA = RowKind.UpdateAfter;
const D = RowKind.Delete;

function normalizer(ttl = 0): (rows: Row[], kinds: RowKind[]) => string[] {
  const op = new ChangelogNormalizeOperator([0]);
  op.open(operatorContext(new HeapKeyedStateBackend({ start: 0, end: 127 }), [true], { stateTtl: ttl }));
  return (rows, kinds) => {
    const out: string[] = [];
    op.processBatch(
      0,
      { rows, kinds },
      {
        emit: (b: RecordBatch) =>
          b.rows.forEach((r, i) => out.push(`${ROW_KIND_SHORT[b.kinds?.[i] ?? I]}${JSON.stringify(r)}`)),
        emitWatermark: () => {},
      },
    );
    return out;
  };
}

describe('ChangelogNormalize', () => {
  it('turns the first row of a key into +I and later ones into -U/+U of the stored row', () => {
    const n = normalizer();
    expect(n([[1, 'a']], [UA])).toEqual(['+I[1,"a"]']);
    expect(
      n(
        [
          [1, 'b'],
          [2, 'x'],
        ],
        [I, I],
      ),
    ).toEqual(['-U[1,"a"]', '+U[1,"b"]', '+I[2,"x"]']);
  });

  it('drops a row equal to the stored one, unless a state TTL is set', () => {
    const n = normalizer();
    n([[1, 'a']], [I]);
    expect(n([[1, 'a']], [I])).toEqual([]);
    const t = normalizer(1000);
    t([[1, 'a']], [I]);
    expect(t([[1, 'a']], [I])).toEqual(['-U[1,"a"]', '+U[1,"a"]']);
  });

  it('deletes with the stored row, ignores removals of unknown keys, and a -U alone removes the key', () => {
    const n = normalizer();
    expect(n([[7, null]], [D])).toEqual([]);
    n([[1, 'a']], [I]);
    expect(n([[1, null]], [D])).toEqual(['-D[1,"a"]']);
    expect(n([[1, null]], [D])).toEqual([]);
    n([[2, 'b']], [I]);
    expect(n([[2, 'b']], [UB])).toEqual(['-D[2,"b"]']);
    expect(n([[2, 'c']], [UA])).toEqual(['+I[2,"c"]']);
  });
});

const fields: Field[] = [
  { name: 'id', type: { kind: 'BIGINT', nullable: false } },
  { name: 'name', type: { kind: 'VARCHAR', nullable: true } } as Field,
];

function parse(p: (line: string, emit: (r: Row, k: RowKind) => void) => void, line: string): string[] {
  const out: string[] = [];
  p(line, (r, k) => out.push(`${ROW_KIND_SHORT[k]}${JSON.stringify(r)}`));
  return out;
}

describe('debezium-json and changelog-json lines', () => {
  const dbz = debeziumJsonParser(fields, false);

  it('reads c, r, u and d as Flink does', () => {
    expect(parse(dbz, '{"before":null,"after":{"id":1,"name":"a"},"op":"c"}')).toEqual(['+I[1,"a"]']);
    expect(parse(dbz, '{"after":{"id":1,"name":"a"},"op":"r"}')).toEqual(['+I[1,"a"]']);
    expect(parse(dbz, '{"before":{"id":1,"name":"a"},"after":{"id":1,"name":"b"},"op":"u"}')).toEqual([
      '-U[1,"a"]',
      '+U[1,"b"]',
    ]);
    expect(parse(dbz, '{"before":{"id":1,"name":"b"},"after":null,"op":"d"}')).toEqual(['-D[1,"b"]']);
    expect(
      parse(debeziumJsonParser(fields, true), '{"schema":{},"payload":{"after":{"id":2},"op":"c"}}'),
    ).toEqual(['+I[2,null]']);
  });

  it('rejects what Flink rejects, saying why', () => {
    const bad = (line: string, p = dbz) => {
      try {
        parse(p, line);
      } catch (e) {
        expect(e).toBeInstanceOf(BadRecord);
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(bad('{"before":null,"after":{"id":1},"op":"u"}')).toMatch(
      /"before" field of a UPDATE event is null.*REPLICA IDENTITY FULL/,
    );
    expect(bad('{"after":{"id":1},"op":"x"}')).toBe(
      'unknown "op" value "x" (Debezium\'s are "c", "r", "u", "d")',
    );
    expect(bad('{"schema":{},"payload":{"after":{"id":1},"op":"c"}}')).toMatch(/schema-include' = 'true'/);
    expect(bad('{"after":{"id":1},"op":"c"}', debeziumJsonParser(fields, true))).toMatch(
      /no "payload" object/,
    );
    expect(bad('{"op":"+X","data":{"id":1}}', changelogJsonParser(fields))).toBe(
      '"op" must be one of "+I", "-U", "+U", "-D", got "+X"',
    );
  });

  it('reads weir’s changelog-json', () => {
    const p = changelogJsonParser(fields);
    expect(parse(p, '{"op":"-U","data":{"id":3,"name":"z"}}')).toEqual(['-U[3,"z"]']);
  });
});
