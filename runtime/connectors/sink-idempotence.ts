// Which sinks write the same result when rows are replayed: the rule a resume that falls back past committed output follows.
import type { JobGraph } from '../../compiler/physical/job-graph';

/** A sink of a job and whether replaying rows into it leaves its result unchanged. */
export interface SinkIdempotence {
  /** The table's name, or `SELECT` for rows printed to the terminal. */
  readonly name: string;
  readonly connector: string;
  readonly idempotent: boolean;
}

/**
 * Idempotent: `postgres` with `'sink.semantic' = 'upsert'` (rows by primary key) and `blackhole`. Not idempotent:
 * files, the terminal, appends, and transactions that commit each checkpoint's rows once.
 */
export function sinkIdempotence(graph: JobGraph): SinkIdempotence[] {
  const out: SinkIdempotence[] = [];
  for (const op of graph.operators) {
    if (op.spec.kind !== 'sink') continue;
    const target = op.spec.target;
    if (target.kind !== 'table') {
      out.push({ name: 'SELECT', connector: 'print', idempotent: false });
      continue;
    }
    const options = target.table.options;
    const connector = options['connector'] ?? '';
    const idempotent =
      connector === 'blackhole' || (connector === 'postgres' && options['sink.semantic'] === 'upsert');
    out.push({ name: target.table.name, connector, idempotent });
  }
  return out;
}
