// A table over lines pasted into the page: `'connector' = 'filesystem', 'path' = '<name>'`, format json, changelog-json or debezium-json.
import type { TableDef } from '../../../compiler/catalog';
import type { Field } from '../../../compiler/types';
import type { ConnectorContext, SourceReader } from '../../../runtime/connectors/connector';
import { SequenceSplit } from '../../../runtime/connectors/sequence-split';
import { BatchBuilder, type RecordBatch, type Row, type RowKind } from '../../../runtime/messages';
import {
  type ChangelogLineParser,
  changelogJsonParser,
  debeziumJsonParser,
} from '../../../runtime/node/connectors/changelog-formats';
import { jsonLineParser } from '../../../runtime/node/connectors/formats';

/** Reads the pasted data set named by the table's `path`; replayable by line index, like a file's offset. */
export class PastedJsonReader implements SourceReader {
  private readonly lines: string[];
  private readonly parse: (line: string) => Row;
  /** Set for a changelog format: a line gives rows with change kinds. */
  private readonly parseChange: ChangelogLineParser | undefined;
  private readonly skip: boolean;
  private seq!: SequenceSplit;
  private ctx!: ConnectorContext;

  constructor(table: TableDef, schema: readonly Field[], pasted: ReadonlyMap<string, string>) {
    const path = table.options['path'] ?? '';
    const text = pasted.get(path);
    if (text === undefined)
      throw new Error(
        `no pasted data named '${path}' (paste JSON lines under that name in the Data tab; have: ${[...pasted.keys()].join(', ') || 'none'})`,
      );
    const format = (table.options['format'] ?? 'json').toLowerCase();
    if (format !== 'json' && format !== 'changelog-json' && format !== 'debezium-json')
      throw new Error(
        `the playground reads pasted data as 'json', 'changelog-json' or 'debezium-json' lines, not '${table.options['format']}'`,
      );
    this.lines = text.split('\n').filter((l) => l.trim() !== '');
    this.parse = jsonLineParser(schema);
    this.parseChange =
      format === 'changelog-json'
        ? changelogJsonParser(schema)
        : format === 'debezium-json'
          ? debeziumJsonParser(schema, table.options['debezium-json.schema-include'] === 'true')
          : undefined;
    this.skip =
      table.options['format.on-error'] === 'skip' ||
      (format === 'debezium-json' && table.options['debezium-json.ignore-parse-errors'] === 'true');
  }

  open(ctx: ConnectorContext, restored: unknown, all: readonly unknown[] = []): void {
    this.ctx = ctx;
    this.seq = new SequenceSplit(ctx.subtaskIndex, ctx.parallelism, this.lines.length, 'pasted JSON source');
    this.seq.restore(restored, all);
  }

  poll(max: number): Row[] | RecordBatch | 'end' {
    if (this.seq.remaining() <= 0) return 'end';
    const t = this.seq.take(max);
    const indices = Array.isArray(t) ? t : Array.from({ length: t.count }, (_, i) => t.first + i * t.stride);
    if (this.parseChange) return this.changes(indices, this.parseChange);
    const rows: Row[] = [];
    for (const i of indices) {
      try {
        rows.push(this.parse(this.lines[i]!));
      } catch (e) {
        if (!this.skip)
          throw new Error(`pasted data, line ${i + 1}: ${e instanceof Error ? e.message : String(e)}`);
        this.ctx.metrics.badRecords++;
      }
    }
    return rows;
  }

  /** A changelog format: the lines' rows with their kinds (a bad line adds nothing). */
  private changes(indices: readonly number[], parse: ChangelogLineParser): RecordBatch {
    const b = new BatchBuilder();
    for (const i of indices) {
      const line: [Row, RowKind][] = [];
      try {
        parse(this.lines[i]!, (row, kind) => line.push([row, kind]));
      } catch (e) {
        if (!this.skip)
          throw new Error(`pasted data, line ${i + 1}: ${e instanceof Error ? e.message : String(e)}`);
        this.ctx.metrics.badRecords++;
        continue;
      }
      for (const [row, kind] of line) b.add(row, kind);
    }
    return b.take();
  }

  offset(): unknown {
    return this.seq.offset();
  }
}
