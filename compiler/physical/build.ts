// Logical plan → job graph: one operator per stateful or stateless step, edges partitioned by key, chains fused.
import type { LogicalNode, SinkNode } from '../logical/plan';
import { chain } from './chaining';
import type { JobEdge, JobGraph, JobOperator, OperatorSpec } from './job-graph';
import { placeOperator } from './partitioning';
import { SourceDigests } from './source-reuse';
import { type Translator, translateNode } from './translate';
import { UidAssigner } from './uid';

export type { JobGraph } from './job-graph';
export { equiKeys } from './translate-join';
export { windowString } from './operator-names';

export interface JobGraphOptions {
  readonly name: string;
  readonly parallelism: number;
  readonly maxParallelism: number;
  /** `table.exec.state.ttl` in ms; 0 or absent: idle keys never expire. */
  readonly stateTtl?: number;
  /** `table.optimizer.reuse-source-enabled`; absent: true. */
  readonly reuseSource?: boolean;
}

export function buildJobGraph(sink: LogicalNode, options: JobGraphOptions): JobGraph {
  return new GraphBuilder(sink as SinkNode, options).build();
}

class GraphBuilder implements Translator {
  private readonly operators: JobOperator[] = [];
  private readonly uids = new UidAssigner();
  /** Source parts already translated (Flink's source reuse), by digest: a table read twice is read once. */
  private readonly sources = new Map<string, number>();
  private readonly digests = new SourceDigests();
  readonly sinkName: string;

  constructor(
    private readonly sink: SinkNode,
    private readonly options: JobGraphOptions,
  ) {
    this.sinkName = sink.target.kind === 'table' ? sink.target.table.name : 'collect';
  }

  build(): JobGraph {
    this.translate(this.sink);
    return {
      name: this.options.name,
      parallelism: this.options.parallelism,
      maxParallelism: this.options.maxParallelism,
      operators: this.operators.map((op) =>
        op.stateful ? { ...op, stateBound: stateBound(op, this.options.stateTtl ?? 0) } : op,
      ),
      chains: chain(this.operators),
    };
  }

  /**
   * Adds the operators computing `n` and returns the id of the last one. A source part (a scan and the
   * stateless steps over it) identical to one already translated is not added again: its last operator
   * feeds both consumers, as with Flink's `table.optimizer.reuse-source-enabled`, so a self-join reads its
   * table once and both sides see the same records.
   */
  translate(n: LogicalNode): number {
    const digest = this.options.reuseSource === false ? undefined : this.digests.of(n);
    if (digest === undefined) return translateNode(n, this);
    let id = this.sources.get(digest);
    if (id === undefined) this.sources.set(digest, (id = translateNode(n, this)));
    return id;
  }

  add(
    spec: OperatorSpec,
    name: string,
    descriptor: string,
    inputs: JobEdge[],
    node: LogicalNode,
    stateful: boolean,
  ): number {
    const upstream = inputs.map((e) => this.operators[e.source]!.parallelism);
    const placed = placeOperator(inputs, upstream, this.options.parallelism);
    const id = this.operators.length;
    this.operators.push({
      id,
      uid: this.uids.uid(spec.kind, descriptor),
      name,
      spec,
      parallelism: placed.parallelism,
      inputs: placed.inputs,
      schema: node.schema,
      changelog: node.changelog,
      stateful,
    });
    return id;
  }
}

function stateBound(op: JobOperator, ttl: number): NonNullable<JobOperator['stateBound']> {
  const spec = op.spec;
  if (spec.kind === 'windowAggregate')
    return spec.window.timeAttribute === 'proctime' ? 'processing time' : 'watermark';
  if (spec.kind === 'windowRank') return spec.timeAttribute === 'proctime' ? 'processing time' : 'watermark';
  if (
    spec.kind === 'groupAggregate' ||
    spec.kind === 'join' ||
    spec.kind === 'rank' ||
    spec.kind === 'deduplicate' ||
    spec.kind === 'overAggregate'
  )
    return ttl > 0 ? 'ttl' : 'unbounded';
  if (spec.kind === 'changelogNormalize') return 'unbounded';
  // temporalJoin: left rows until the watermark passes them, one version per key below the watermark.
  return 'watermark';
}
