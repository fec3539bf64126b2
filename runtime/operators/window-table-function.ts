// Window table functions TUMBLE, HOP and CUMULATE: append window_start, window_end, window_time to each row.
import type { WindowSpec } from '../../compiler/logical/plan';
import type { RecordBatch, Row, RowKind } from '../messages';
import type { Output, StreamOperator } from '../operator';

/** The [start, end) windows a timestamp falls in. */
export function assignWindows(w: WindowSpec, ts: number): [number, number][] {
  switch (w.kind) {
    case 'TUMBLE': {
      const size = w.size!;
      const start = ts - (((ts % size) + size) % size);
      return [[start, start + size]];
    }
    case 'HOP': {
      const { size, slide } = w as { size: number; slide: number };
      const out: [number, number][] = [];
      const last = ts - (((ts % slide) + slide) % slide);
      for (let start = last; start > ts - size; start -= slide) out.push([start, start + size]);
      return out.reverse();
    }
    case 'CUMULATE': {
      const { size, step } = w as { size: number; step: number };
      const start = ts - (((ts % size) + size) % size);
      const out: [number, number][] = [];
      for (let end = start + step; end <= start + size; end += step) if (end > ts) out.push([start, end]);
      return out;
    }
    case 'SESSION':
      // Each row opens its own session [ts, ts + gap); the window aggregation merges overlapping ones.
      return [[ts, ts + w.gap!]];
  }
}

export class WindowTableFunctionOperator implements StreamOperator {
  constructor(private readonly window: WindowSpec) {}

  open(): void {}

  processBatch(_input: number, batch: RecordBatch, out: Output): void {
    const rows: Row[] = [];
    const kinds: RowKind[] | undefined = batch.kinds ? [] : undefined;
    const t = this.window.timeIndex;
    for (let i = 0; i < batch.rows.length; i++) {
      const row = batch.rows[i]!;
      const ts = row[t];
      if (typeof ts !== 'number') continue;
      for (const [start, end] of assignWindows(this.window, ts)) {
        rows.push([...row, start, end, end - 1]);
        if (kinds) kinds.push(batch.kinds![i]!);
      }
    }
    out.emit({ rows, kinds });
  }
}
