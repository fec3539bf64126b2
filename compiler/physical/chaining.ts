// Operator chaining (Flink's operator chain): which operators fuse into one task and call each other synchronously.
import { CONNECTORS } from '../connectors';
import { hasAsyncUdf } from '../rex';
import type { JobChain, JobOperator } from './job-graph';

/** An AsyncCalc awaits each batch's results before it runs, which only the head of a chain can do. */
const awaitsBatches = (op: JobOperator): boolean =>
  op.spec.kind === 'calc' && (op.spec.projection?.some(hasAsyncUdf) ?? false);

/** Groups operators into chains: an operator joins its input's chain over a forward edge of equal parallelism. */
export function chain(operators: readonly JobOperator[]): JobChain[] {
  const consumers = new Map<number, number>();
  for (const op of operators)
    for (const e of op.inputs) consumers.set(e.source, (consumers.get(e.source) ?? 0) + 1);
  const chainOf = new Map<number, JobChain & { operators: number[] }>();
  const chains: (JobChain & { operators: number[] })[] = [];
  for (const op of operators) {
    const e = op.inputs[0];
    const up = e && operators[e.source]!;
    if (
      op.inputs.length === 1 &&
      // A lookup join that asks a database heads its own task, which awaits its lookups per batch.
      !(op.spec.kind === 'lookupJoin' && CONNECTORS.get(op.spec.table.connector)?.lookup === 'async') &&
      e!.partitioning.kind === 'forward' &&
      up!.parallelism === op.parallelism &&
      consumers.get(e!.source) === 1 &&
      !awaitsBatches(op)
    ) {
      const c = chainOf.get(e!.source)!;
      c.operators.push(op.id);
      chainOf.set(op.id, c);
    } else {
      const c = { id: chains.length, operators: [op.id], parallelism: op.parallelism };
      chains.push(c);
      chainOf.set(op.id, c);
    }
  }
  return chains;
}
