// The `nexmark` source: split i of p generates blocks i, i+p, i+2p, … of a batch of events each — rescalable: see SequenceSplit.
import type { TableDef } from '../../../compiler/catalog';
import type { Row } from '../../messages';
import type { ConnectorContext, SourceReader } from '../connector';
import { SequenceSplit } from '../sequence-split';
import { NexmarkGenerator, nexmarkConfigFromOptions } from './generator';

export class NexmarkReader implements SourceReader {
  private readonly generator: NexmarkGenerator;
  private readonly total: number;
  private seq!: SequenceSplit;

  constructor(table: TableDef) {
    this.generator = new NexmarkGenerator(nexmarkConfigFromOptions(table.options));
    const n = Number(table.options['events.num'] ?? '0');
    this.total = n > 0 ? n : Infinity;
  }

  open(ctx: ConnectorContext, restored: unknown, all: readonly unknown[] = []): void {
    // Blocks of a batch: each batch holds neighbouring events (bids for the same few auctions, as on one
    // split), so a GROUP BY downstream updates as few keys per batch as at parallelism 1.
    const block = ctx.parallelism > 1 ? ctx.batchSize : 1;
    this.seq = new SequenceSplit(ctx.subtaskIndex, ctx.parallelism, this.total, 'nexmark source', block);
    this.seq.restore(restored, all);
  }

  poll(max: number): Row[] | 'end' {
    if (this.seq.remaining() <= 0) return 'end';
    const t = this.seq.take(max);
    if (!Array.isArray(t)) {
      const out: Row[] = new Array(t.count);
      this.generator.fill(t.first, t.stride, t.count, out);
      return out;
    }
    // Just after a change of parallelism: some events were produced by the old splits.
    const out: Row[] = [];
    const one: Row[] = [[]];
    for (const i of t) {
      this.generator.fill(i, 1, 1, one);
      out.push(one[0]!);
    }
    return out;
  }

  offset(): unknown {
    return this.seq.offset();
  }
}
