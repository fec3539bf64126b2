// The `nexmark` source: split i of p generates events i, i+p, i+2p, … — the offset is how many it has emitted.
import type { TableDef } from '../../../compiler/catalog';
import type { Row } from '../../messages';
import type { ConnectorContext, SourceReader } from '../connector';
import { NexmarkGenerator, nexmarkConfigFromOptions } from './generator';

export class NexmarkReader implements SourceReader {
  private readonly generator: NexmarkGenerator;
  private readonly total: number;
  private split = 0;
  private splits = 1;
  /** Events this split has emitted. */
  private emitted = 0;

  constructor(table: TableDef) {
    this.generator = new NexmarkGenerator(nexmarkConfigFromOptions(table.options));
    const n = Number(table.options['events.num'] ?? '0');
    this.total = n > 0 ? n : Infinity;
  }

  open(ctx: ConnectorContext, restored: unknown): void {
    this.split = ctx.subtaskIndex;
    this.splits = ctx.parallelism;
    if (restored !== undefined) {
      const r = restored as { emitted: number; splits: number };
      if (r.splits !== this.splits) {
        throw new Error(
          `nexmark source: restoring a checkpoint taken with ${r.splits} source subtasks at parallelism ${this.splits} is not supported yet`,
        );
      }
      this.emitted = r.emitted;
    }
  }

  /** Events of this split below the total. */
  private remaining(): number {
    if (this.total === Infinity) return Infinity;
    const mine = Math.max(0, Math.ceil((this.total - this.split) / this.splits));
    return mine - this.emitted;
  }

  poll(max: number): Row[] | 'end' {
    const n = Math.min(max, this.remaining());
    if (n <= 0) return 'end';
    const out: Row[] = new Array(n);
    this.generator.fill(this.split + this.emitted * this.splits, this.splits, n, out);
    this.emitted += n;
    return out;
  }

  offset(): unknown {
    return { emitted: this.emitted, splits: this.splits };
  }
}
