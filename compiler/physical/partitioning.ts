// Partitioning decisions: the parallelism an operator runs at, and which of its forward edges must be sent global.
import type { JobEdge, Partitioning } from './job-graph';

export const FORWARD: Partitioning = { kind: 'forward' };
export const GLOBAL: Partitioning = { kind: 'global' };

/**
 * Where an operator runs, given its input edges and the parallelism of each upstream operator: global edges
 * run on one subtask; forward edges inherit the upstream parallelism; a forward edge from an upstream of
 * another parallelism becomes a global one.
 */
export function placeOperator(
  inputs: readonly JobEdge[],
  upstream: readonly number[],
  defaultParallelism: number,
): { parallelism: number; inputs: JobEdge[] } {
  let parallelism = defaultParallelism;
  if (inputs.some((e) => e.partitioning.kind === 'global')) parallelism = 1;
  else if (inputs.length > 0 && inputs.every((e) => e.partitioning.kind === 'forward'))
    parallelism = Math.max(...upstream);
  const fixed = inputs.map((e, i) =>
    e.partitioning.kind === 'forward' && upstream[i] !== parallelism ? { ...e, partitioning: GLOBAL } : e,
  );
  return { parallelism, inputs: fixed };
}
