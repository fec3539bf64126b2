// The user-function modules a job graph calls: what a thread must load before it builds the job's operators.
import type { JobGraph } from '../physical/job-graph';

/** Module ids of every user function referenced anywhere in the operators' specs. */
export function udfModulesOf(graph: JobGraph): string[] {
  const ids = new Set<string>();
  const visit = (x: unknown): void => {
    if (x === null || typeof x !== 'object') return;
    if (Array.isArray(x)) {
      for (const v of x) visit(v);
      return;
    }
    const o = x as Record<string, unknown>;
    const udf = o['udf'] as { module?: unknown } | undefined;
    if (udf && typeof udf.module === 'string') ids.add(udf.module);
    for (const k in o) if (k !== 'udf' && k !== 'table') visit(o[k]);
  };
  for (const op of graph.operators) visit(op.spec);
  return [...ids];
}
