// The `nexmark` source: split i of p generates blocks i, i+p, … of a batch of events (rescalable), paced when asked.
import type { TableDef } from '../../../compiler/catalog';
import type { Row } from '../../messages';
import type { ConnectorContext, SourceReader } from '../connector';
import { SequenceSplit } from '../sequence-split';
import { NexmarkGenerator, nexmarkConfigFromOptions } from './generator';
import { NexmarkPacer, nexmarkPaced } from './pacing';

export class NexmarkReader implements SourceReader {
  private readonly generator: NexmarkGenerator;
  private readonly total: number;
  private readonly paced: boolean;
  private seq!: SequenceSplit;
  private pacer: NexmarkPacer | undefined;
  /** Event numbers apart of neighbours within one take. */
  private stride = 1;

  constructor(table: TableDef) {
    this.generator = new NexmarkGenerator(nexmarkConfigFromOptions(table.options));
    this.paced = nexmarkPaced(table.options);
    const n = Number(table.options['events.num'] ?? '0');
    this.total = n > 0 ? n : Infinity;
  }

  open(ctx: ConnectorContext, restored: unknown, all: readonly unknown[] = []): void {
    // Blocks of a batch: each batch holds neighbouring events (bids for the same few auctions, as on one
    // split), so a GROUP BY downstream updates as few keys per batch as at parallelism 1.
    const block = ctx.parallelism > 1 ? ctx.batchSize : 1;
    this.seq = new SequenceSplit(ctx.subtaskIndex, ctx.parallelism, this.total, 'nexmark source', block);
    this.seq.restore(restored, all);
    this.stride = block === 1 ? ctx.parallelism : 1;
    if (this.paced) {
      // All splits share one timeline: the first block of this split's round of blocks is due now (event 0 on a
      // fresh start), so split i waits for its block's event time as the events before it are due.
      const next = this.seq.next;
      this.pacer = new NexmarkPacer(this.generator, ctx.clock);
      this.pacer.start(next - (Math.floor(next / block) % ctx.parallelism) * block);
    }
  }

  poll(max: number): Row[] | 'idle' | 'end' {
    if (this.seq.remaining() <= 0) return 'end';
    if (this.pacer) {
      max = this.pacer.due(this.seq.next, this.stride, max);
      if (max === 0) return 'idle';
    }
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
