// Logical plan → job graph: one operator per stateful or stateless step, edges partitioned by key, chains fused.
import { rexToString } from '../explain/rex';
import type { AggCall, LogicalNode, SinkNode, WindowSpec } from '../logical/plan';
import { type Rex, andAll, conjuncts, inputRef } from '../rex';
import { T, typeToString, type Field } from '../types';
import type { JobChain, JobEdge, JobGraph, JobOperator, OperatorSpec, Partitioning } from './job-graph';
import { intervalBounds } from './interval-bounds';
import { SourceDigests } from './source-reuse';
import { UidAssigner } from './uid';

export type { JobGraph } from './job-graph';

export interface JobGraphOptions {
  readonly name: string;
  readonly parallelism: number;
  readonly maxParallelism: number;
  /** `table.exec.state.ttl` in ms; 0 or absent: idle keys never expire. */
  readonly stateTtl?: number;
  /** `table.optimizer.reuse-source-enabled`; absent: true. */
  readonly reuseSource?: boolean;
}

const FORWARD: Partitioning = { kind: 'forward' };
const GLOBAL: Partitioning = { kind: 'global' };

export function buildJobGraph(sink: LogicalNode, options: JobGraphOptions): JobGraph {
  return new GraphBuilder(sink as SinkNode, options).build();
}

class GraphBuilder {
  private readonly operators: JobOperator[] = [];
  private readonly uids = new UidAssigner();
  /** Source parts already translated (Flink's source reuse), by digest: a table read twice is read once. */
  private readonly sources = new Map<string, number>();
  private readonly digests = new SourceDigests();
  private readonly sinkName: string;

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
  private translate(n: LogicalNode): number {
    const digest = this.options.reuseSource === false ? undefined : this.digests.of(n);
    if (digest === undefined) return this.translateNode(n);
    let id = this.sources.get(digest);
    if (id === undefined) this.sources.set(digest, (id = this.translateNode(n)));
    return id;
  }

  private translateNode(n: LogicalNode): number {
    const names = (node: LogicalNode) => node.schema.map((f) => f.name);
    switch (n.kind) {
      case 'scan':
        return this.add(
          { kind: 'source', table: n.table },
          `Source(table=[${n.table.name}], connector=[${n.table.connector}])`,
          `source|${n.table.name}|${n.table.connector}`,
          [],
          n,
          false,
        );
      case 'watermarkAssigner': {
        const input = this.translate(n.input);
        const cols = names(n.input);
        return this.add(
          { kind: 'watermarkAssigner', rowtimeIndex: n.rowtimeIndex, watermark: n.watermark },
          `WatermarkAssigner(rowtime=[${cols[n.rowtimeIndex]}], watermark=[${rexToString(n.watermark, cols)}])`,
          `watermark|${this.sinkName}`,
          [{ source: input, partitioning: FORWARD }],
          n,
          false,
        );
      }
      case 'filter':
      case 'project': {
        // Project over Filter, Filter alone or Project alone: one Calc.
        let condition: Rex | undefined;
        let projection: readonly Rex[] | undefined;
        let below: LogicalNode;
        if (n.kind === 'project') {
          projection = n.exprs;
          below = n.input;
          if (below.kind === 'filter') {
            condition = below.condition;
            below = below.input;
          }
        } else {
          condition = n.condition;
          below = n.input;
        }
        const input = this.translate(below);
        const cols = names(below);
        const parts: string[] = [];
        if (projection)
          parts.push(
            `select=[${projection.map((e, i) => renderAs(rexToString(e, cols), n.schema[i]!.name)).join(', ')}]`,
          );
        if (condition) parts.push(`where=[${rexToString(condition, cols)}]`);
        return this.add(
          { kind: 'calc', ...(condition ? { condition } : {}), ...(projection ? { projection } : {}) },
          `Calc(${parts.join(', ')})`,
          `calc|${this.sinkName}`,
          [{ source: input, partitioning: FORWARD }],
          n,
          false,
        );
      }
      case 'aggregate': {
        const input = this.translate(n.input);
        const cols = names(n.input);
        const keys = n.groupKeys;
        return this.add(
          { kind: 'groupAggregate', keys, aggs: n.aggs },
          `GroupAggregate(${keys.length ? `groupBy=[${keys.map((k) => cols[k]).join(', ')}], ` : ''}select=[${[...keys.map((k) => cols[k]!), ...n.aggs.map((a) => aggString(a, cols))].join(', ')}])`,
          `groupAggregate|${this.sinkName}|${describeFields(n.input.schema, keys)}|${describeAggs(n.aggs, n.input.schema)}`,
          [{ source: input, partitioning: keys.length ? { kind: 'hash', keys } : GLOBAL }],
          n,
          true,
        );
      }
      case 'windowTableFunction': {
        const input = this.translate(n.input);
        const w = n.window;
        return this.add(
          { kind: 'windowTableFunction', window: w },
          `WindowTableFunction(${windowString(w, names(n.input))})`,
          `windowTableFunction|${this.sinkName}`,
          [{ source: input, partitioning: FORWARD }],
          n,
          false,
        );
      }
      case 'windowAggregate': {
        const input = this.translate(n.input);
        const cols = names(n.input);
        const keys = n.groupKeys;
        // Keyed by the group keys other than window_start/window_end: all windows of a key meet (sessions merge).
        const windowKeys = keys.filter((_, pos) => pos !== n.windowStart && pos !== n.windowEnd);
        return this.add(
          {
            kind: 'windowAggregate',
            window: n.window,
            keys,
            windowStart: n.windowStart,
            windowEnd: n.windowEnd,
            aggs: n.aggs,
          },
          `WindowAggregate(groupBy=[${keys.map((k) => cols[k]).join(', ')}], window=[${n.window.kind}], select=[${[...keys.map((k) => cols[k]!), ...n.aggs.map((a) => aggString(a, cols))].join(', ')}])`,
          `windowAggregate|${this.sinkName}|${n.window.kind}|${n.window.size ?? n.window.gap}|${describeFields(n.input.schema, keys)}|${describeAggs(n.aggs, n.input.schema)}`,
          [{ source: input, partitioning: windowKeys.length ? { kind: 'hash', keys: windowKeys } : GLOBAL }],
          n,
          true,
        );
      }
      case 'join': {
        const left = this.translate(n.left);
        const right = this.translate(n.right);
        const width = n.left.schema.length;
        const { leftKeys, rightKeys, rest } = equiKeys(n.condition, width);
        const cols = [...names(n.left), ...names(n.right)];
        const hashed = leftKeys.length > 0;
        const keyText = leftKeys.map((k, i) => `${cols[k]} = ${cols[width + rightKeys[i]!]}`);
        const edges: JobEdge[] = [
          { source: left, partitioning: hashed ? { kind: 'hash', keys: leftKeys } : GLOBAL },
          { source: right, partitioning: hashed ? { kind: 'hash', keys: rightKeys } : GLOBAL },
        ];
        // Append-only inputs whose rowtimes bound each other from both sides: an interval join, whose state the
        // watermark bounds (Flink's IntervalJoin; the bounds come from the INPUT schemas' time attributes).
        const b =
          n.left.changelog === 'append' && n.right.changelog === 'append'
            ? intervalBounds(rest, n.left.schema, n.right.schema)
            : undefined;
        if (b) {
          const fields = [...n.left.schema, ...n.right.schema];
          const col = (i: number) => rexToString(inputRef(i, fields[i]!.type), cols);
          const bound = (ms: number, inclusive: boolean) => `${ms}${inclusive ? '' : ' (exclusive)'}`;
          return this.add(
            {
              kind: 'intervalJoin',
              joinType: n.joinType,
              leftKeys,
              rightKeys,
              leftTime: b.leftTime,
              rightTime: b.rightTime,
              lowerBound: b.lowerBound,
              lowerInclusive: b.lowerInclusive,
              upperBound: b.upperBound,
              upperInclusive: b.upperInclusive,
              ...(b.rest ? { condition: b.rest } : {}),
              leftWidth: width,
              rightWidth: n.right.schema.length,
            },
            `IntervalJoin(joinType=[${n.joinType}], keys=[${keyText.join(', ')}], windowBounds=[leftTime=${col(b.leftTime)}, rightTime=${col(width + b.rightTime)}, leftLowerBound=${bound(b.lowerBound, b.lowerInclusive)}, leftUpperBound=${bound(b.upperBound, b.upperInclusive)}]${b.rest ? `, where=[${rexToString(b.rest, cols)}]` : ''})`,
            `intervalJoin|${this.sinkName}|${n.joinType}|${describeFields(n.left.schema, leftKeys)}|${describeFields(n.right.schema, rightKeys)}|${tablesOf(n.left)}|${tablesOf(n.right)}`,
            edges,
            n,
            true,
          );
        }
        return this.add(
          {
            kind: 'join',
            joinType: n.joinType,
            leftKeys,
            rightKeys,
            ...(rest ? { condition: rest } : {}),
            leftWidth: width,
            rightWidth: n.right.schema.length,
          },
          `Join(joinType=[${n.joinType}], ${hashed ? `keys=[${keyText.join(', ')}]` : 'keys=[]'}${rest ? `, where=[${rexToString(rest, cols)}]` : ''})`,
          `join|${this.sinkName}|${n.joinType}|${describeFields(n.left.schema, leftKeys)}|${describeFields(n.right.schema, rightKeys)}|${tablesOf(n.left)}|${tablesOf(n.right)}`,
          edges,
          n,
          true,
        );
      }
      case 'union': {
        const inputs = n.inputs.map((i) => this.translate(i));
        return this.add(
          { kind: 'union', inputs: inputs.length },
          `Union(all=[true], inputs=[${inputs.length}])`,
          `union|${this.sinkName}`,
          inputs.map((source) => ({ source, partitioning: FORWARD })),
          n,
          false,
        );
      }
      case 'sink': {
        const input = this.translate(n.input);
        const target = n.target.kind === 'table' ? `table=[${n.target.table.name}]` : 'collect';
        return this.add(
          { kind: 'sink', target: n.target },
          `Sink(${target}, fields=[${names(n).join(', ')}])`,
          `sink|${this.sinkName}`,
          [{ source: input, partitioning: FORWARD }],
          n,
          false,
        );
      }
    }
  }

  private add(
    spec: OperatorSpec,
    name: string,
    descriptor: string,
    inputs: JobEdge[],
    node: LogicalNode,
    stateful: boolean,
  ): number {
    // Global edges run on one subtask; forward edges inherit the upstream parallelism.
    const upstream = inputs.map((e) => this.operators[e.source]!.parallelism);
    let parallelism = this.options.parallelism;
    if (inputs.some((e) => e.partitioning.kind === 'global')) parallelism = 1;
    else if (inputs.length > 0 && inputs.every((e) => e.partitioning.kind === 'forward'))
      parallelism = Math.max(...upstream);
    const fixed = inputs.map((e, i) =>
      e.partitioning.kind === 'forward' && upstream[i] !== parallelism ? { ...e, partitioning: GLOBAL } : e,
    );
    const id = this.operators.length;
    this.operators.push({
      id,
      uid: this.uids.uid(spec.kind, descriptor),
      name,
      spec,
      parallelism,
      inputs: fixed,
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
  if (spec.kind === 'groupAggregate' || spec.kind === 'join') return ttl > 0 ? 'ttl' : 'unbounded';
  return 'watermark';
}

/** Splits a join condition into equality keys (left column = right column) and the rest. */
export function equiKeys(
  condition: Rex | undefined,
  leftWidth: number,
): { leftKeys: number[]; rightKeys: number[]; rest?: Rex } {
  const leftKeys: number[] = [];
  const rightKeys: number[] = [];
  const rest: Rex[] = [];
  for (const c of condition ? conjuncts(condition) : []) {
    if (
      c.kind === 'call' &&
      c.op === '=' &&
      c.args[0]!.kind === 'inputRef' &&
      c.args[1]!.kind === 'inputRef'
    ) {
      const [a, b] = [c.args[0]!.index, c.args[1]!.index];
      if (a < leftWidth && b >= leftWidth) {
        leftKeys.push(a);
        rightKeys.push(b - leftWidth);
        continue;
      }
      if (b < leftWidth && a >= leftWidth) {
        leftKeys.push(b);
        rightKeys.push(a - leftWidth);
        continue;
      }
    }
    rest.push(c);
  }
  return { leftKeys, rightKeys, rest: andAll(rest, T.boolean()) };
}

/** Groups operators into chains: an operator joins its input's chain over a forward edge of equal parallelism. */
function chain(operators: readonly JobOperator[]): JobChain[] {
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
      e!.partitioning.kind === 'forward' &&
      up!.parallelism === op.parallelism &&
      consumers.get(e!.source) === 1
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

function renderAs(expr: string, name: string): string {
  return expr === name ? expr : `${expr} AS ${name}`;
}

function aggString(a: AggCall, cols: readonly string[]): string {
  const args =
    a.args.length === 0 ? '*' : `${a.distinct ? 'DISTINCT ' : ''}${a.args.map((i) => cols[i]).join(', ')}`;
  const filter = a.filterArg !== undefined ? ` FILTER (WHERE ${cols[a.filterArg]})` : '';
  return `${a.fn}(${args})${filter}`;
}

export function windowString(w: WindowSpec, cols: readonly string[]): string {
  const s = (ms?: number) => `${(ms ?? 0) / 1000} s`;
  const time = `DESCRIPTOR(${cols[w.timeIndex]})`;
  switch (w.kind) {
    case 'TUMBLE':
      return `TUMBLE(${time}, size=[${s(w.size)}])`;
    case 'HOP':
      return `HOP(${time}, slide=[${s(w.slide)}], size=[${s(w.size)}])`;
    case 'CUMULATE':
      return `CUMULATE(${time}, step=[${s(w.step)}], size=[${s(w.size)}])`;
    case 'SESSION':
      return `SESSION(${time}, gap=[${s(w.gap)}]${w.partitionKeys.length ? `, partitionBy=[${w.partitionKeys.map((k) => cols[k]).join(', ')}]` : ''})`;
  }
}

/** Keys as `name TYPE` (names of computed columns are positional and so left out). */
function describeFields(schema: readonly Field[], keys: readonly number[]): string {
  return keys
    .map((k) => `${schema[k]!.name.startsWith('$f') ? '' : schema[k]!.name} ${typeToString(schema[k]!.type)}`)
    .join(',');
}

function describeAggs(aggs: readonly AggCall[], schema: readonly Field[]): string {
  return aggs
    .map(
      (a) =>
        `${a.fn}${a.distinct ? ' DISTINCT' : ''}(${a.args.map((i) => typeToString(schema[i]!.type)).join(',')})${a.filterArg !== undefined ? 'F' : ''}`,
    )
    .join(',');
}

/** The tables a subtree reads, sorted: part of a join's identity. */
function tablesOf(n: LogicalNode): string {
  const out = new Set<string>();
  const walk = (x: LogicalNode): void => {
    if (x.kind === 'scan') out.add(x.table.name);
    for (const i of x.kind === 'join'
      ? [x.left, x.right]
      : x.kind === 'union'
        ? x.inputs
        : x.kind === 'scan'
          ? []
          : [x.input])
      walk(i);
  };
  walk(n);
  return [...out].sort().join('+');
}
