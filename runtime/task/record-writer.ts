// A task's output: splits each batch over the downstream subtasks' channels by the edge's partitioning.
import type { Partitioning } from '../../compiler/physical/job-graph';
import { keyGroupOf, keySelector, subtaskForKeyGroup } from '../key-groups';
import { type RecordBatch, type Row, type RowKind, type StreamElement } from '../messages';
import type { Output } from '../operator';
import type { ChannelWriter } from './channel';

/** One outgoing edge: the channels to each downstream subtask, indexed by subtask. */
export interface OutputEdge {
  readonly partitioning: Partitioning;
  readonly channels: readonly ChannelWriter[];
  /** For forward edges: this task's own subtask index. */
  readonly subtaskIndex: number;
  readonly maxParallelism: number;
}

export class RecordWriter implements Output {
  recordsOut = 0;
  private readonly routes: ((batch: RecordBatch) => void)[];

  constructor(readonly edges: readonly OutputEdge[]) {
    this.routes = edges.map((e) => route(e));
  }

  emit(batch: RecordBatch): void {
    if (batch.rows.length === 0) return;
    this.recordsOut += batch.rows.length;
    for (const r of this.routes) r(batch);
  }

  emitWatermark(timestamp: number): void {
    this.broadcast({ kind: 'watermark', timestamp });
  }

  broadcast(e: StreamElement): void {
    for (const edge of this.edges) for (const c of edge.channels) c.push(e);
  }

  /** Backpressure: whether every downstream channel can take another batch. */
  hasCapacity(): boolean {
    for (const edge of this.edges) for (const c of edge.channels) if (!c.hasCapacity()) return false;
    return true;
  }
}

function route(edge: OutputEdge): (batch: RecordBatch) => void {
  const p = edge.partitioning;
  const n = edge.channels.length;
  if (p.kind === 'forward') {
    const c = edge.channels[edge.subtaskIndex % n]!;
    return (batch) => c.push({ kind: 'batch', batch });
  }
  if (p.kind === 'global' || n === 1) {
    const c = edge.channels[0]!;
    return (batch) => c.push({ kind: 'batch', batch });
  }
  const select = keySelector(p.keys);
  const max = edge.maxParallelism;
  return (batch) => {
    const rows: Row[][] = Array.from({ length: n }, () => []);
    const kinds: (RowKind[] | undefined)[] = Array.from({ length: n }, () => (batch.kinds ? [] : undefined));
    for (let i = 0; i < batch.rows.length; i++) {
      const row = batch.rows[i]!;
      const target = subtaskForKeyGroup(keyGroupOf(select(row), max), n, max);
      rows[target]!.push(row);
      if (batch.kinds) kinds[target]!.push(batch.kinds[i]!);
    }
    for (let t = 0; t < n; t++) {
      if (rows[t]!.length > 0)
        edge.channels[t]!.push({ kind: 'batch', batch: { rows: rows[t]!, kinds: kinds[t] } });
    }
  };
}
