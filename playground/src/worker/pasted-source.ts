// A table over JSON lines pasted into the page: `'connector' = 'filesystem', 'path' = '<name>', 'format' = 'json'`.
import type { TableDef } from '../../../compiler/catalog';
import type { Field } from '../../../compiler/types';
import type { ConnectorContext, SourceReader } from '../../../runtime/connectors/connector';
import { SequenceSplit } from '../../../runtime/connectors/sequence-split';
import type { Row } from '../../../runtime/messages';
import { jsonLineParser } from '../../../runtime/node/connectors/formats';

/** Reads the pasted data set named by the table's `path`; replayable by line index, like a file's offset. */
export class PastedJsonReader implements SourceReader {
  private readonly lines: string[];
  private readonly parse: (line: string) => Row;
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
    if ((table.options['format'] ?? 'json') !== 'json')
      throw new Error(`the playground reads pasted data as 'json' lines, not '${table.options['format']}'`);
    this.lines = text.split('\n').filter((l) => l.trim() !== '');
    this.parse = jsonLineParser(schema);
    this.skip = table.options['format.on-error'] === 'skip';
  }

  open(ctx: ConnectorContext, restored: unknown, all: readonly unknown[] = []): void {
    this.ctx = ctx;
    this.seq = new SequenceSplit(ctx.subtaskIndex, ctx.parallelism, this.lines.length, 'pasted JSON source');
    this.seq.restore(restored, all);
  }

  poll(max: number): Row[] | 'end' {
    if (this.seq.remaining() <= 0) return 'end';
    const t = this.seq.take(max);
    const indices = Array.isArray(t) ? t : Array.from({ length: t.count }, (_, i) => t.first + i * t.stride);
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

  offset(): unknown {
    return this.seq.offset();
  }
}
