// The logical plan: relational nodes, each with its output schema and whether its output is append-only or updating.
import type { Span } from '../../grammar/ast';
import type { AggregateKind } from '../functions';
import type { Rex, RexCall } from '../rex';
import type { TableDef } from '../catalog';
import type { UdfRef } from '../udf/contract';
import { type Field, type SqlType, materialize } from '../types';

/**
 * `append`: only inserts (+I). `updating`: also retractions (-U/+U/-D) — a GROUP BY without windows,
 * an outer join, or anything fed by those.
 */
export type ChangelogMode = 'append' | 'updating';

export type WindowKind = 'TUMBLE' | 'HOP' | 'CUMULATE' | 'SESSION';

/** A window table function's parameters; sizes in milliseconds. */
export interface WindowSpec {
  readonly kind: WindowKind;
  /** The input column holding the time attribute (DESCRIPTOR(col)). */
  readonly timeIndex: number;
  readonly timeAttribute: 'rowtime' | 'proctime';
  /** TUMBLE, HOP and CUMULATE: window size (CUMULATE: the max size). */
  readonly size?: number;
  /** HOP: slide. */
  readonly slide?: number;
  /** CUMULATE: step. */
  readonly step?: number;
  /** SESSION: gap. */
  readonly gap?: number;
  /** SESSION: the PARTITION BY input columns. */
  readonly partitionKeys: readonly number[];
}

export interface AggCall {
  /** A built-in aggregate, or a user function's name (then `udf` says which module). */
  readonly fn: AggregateKind | (string & {});
  readonly udf?: UdfRef;
  /** Input column indexes (empty for COUNT(*)). */
  readonly args: readonly number[];
  readonly distinct: boolean;
  /** Input column holding the FILTER (WHERE …) condition, if any. */
  readonly filterArg?: number;
  readonly type: SqlType;
  readonly name: string;
}

export type JoinType = 'INNER' | 'LEFT' | 'RIGHT' | 'FULL';

interface Base {
  readonly schema: readonly Field[];
  readonly changelog: ChangelogMode;
  /** Where in the script the node comes from, for errors raised on later stages. */
  readonly span?: Span;
}

export interface ScanNode extends Base {
  readonly kind: 'scan';
  readonly table: TableDef;
}

/** Generates watermarks from a time column: `WATERMARK FOR col AS expr`. */
export interface WatermarkAssignerNode extends Base {
  readonly kind: 'watermarkAssigner';
  readonly input: LogicalNode;
  readonly rowtimeIndex: number;
  readonly watermark: Rex;
}

export interface FilterNode extends Base {
  readonly kind: 'filter';
  readonly input: LogicalNode;
  readonly condition: Rex;
}

export interface ProjectNode extends Base {
  readonly kind: 'project';
  readonly input: LogicalNode;
  readonly exprs: readonly Rex[];
}

/** A GROUP BY without windows: keeps one accumulator per key forever (or until state TTL). */
export interface AggregateNode extends Base {
  readonly kind: 'aggregate';
  readonly input: LogicalNode;
  /** Output: the group key columns in this order, then one column per aggregate call. */
  readonly groupKeys: readonly number[];
  readonly aggs: readonly AggCall[];
}

/** A window table function applied to its input: appends window_start, window_end, window_time. */
export interface WindowTableFunctionNode extends Base {
  readonly kind: 'windowTableFunction';
  readonly input: LogicalNode;
  readonly window: WindowSpec;
}

/**
 * GROUP BY window_start, window_end, … over a window table function: emits each window's rows once,
 * when the watermark passes its end, then forgets it (append-only output). Output: group keys, then aggregates.
 */
export interface WindowAggregateNode extends Base {
  readonly kind: 'windowAggregate';
  readonly input: LogicalNode;
  readonly window: WindowSpec;
  readonly groupKeys: readonly number[];
  /** Positions among `groupKeys` of the window_start and window_end columns. */
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly aggs: readonly AggCall[];
}

export interface JoinNode extends Base {
  readonly kind: 'join';
  readonly joinType: JoinType;
  readonly left: LogicalNode;
  readonly right: LogicalNode;
  /** Over the left columns followed by the right columns; TRUE when absent. */
  readonly condition?: Rex;
}

/**
 * `LATERAL TABLE(f(args))` joined to each input row (Calcite's Correlate): output = the input's columns, then the
 * table function's; LEFT keeps rows for which the function yields nothing (its columns NULL).
 */
export interface CorrelateNode extends Base {
  readonly kind: 'correlate';
  readonly input: LogicalNode;
  /** A user table function call over the input's columns. */
  readonly call: RexCall;
  readonly joinType: 'INNER' | 'LEFT';
}

export interface UnionNode extends Base {
  readonly kind: 'union';
  readonly inputs: readonly LogicalNode[];
}

export type SinkTarget = { readonly kind: 'table'; readonly table: TableDef } | { readonly kind: 'collect' };

/** The end of a job: an INSERT's table, or `collect` for a bare SELECT printed to the terminal. */
export interface SinkNode extends Base {
  readonly kind: 'sink';
  readonly input: LogicalNode;
  readonly target: SinkTarget;
}

export type LogicalNode =
  | ScanNode
  | WatermarkAssignerNode
  | FilterNode
  | ProjectNode
  | AggregateNode
  | WindowTableFunctionNode
  | WindowAggregateNode
  | JoinNode
  | CorrelateNode
  | UnionNode
  | SinkNode;

export type LogicalKind = LogicalNode['kind'];

/** The node's inputs in order. */
export function inputsOf(n: LogicalNode): readonly LogicalNode[] {
  switch (n.kind) {
    case 'scan':
      return [];
    case 'join':
      return [n.left, n.right];
    case 'union':
      return n.inputs;
    default:
      return [n.input];
  }
}

/** A copy of `n` reading from `inputs` instead (same count), with schema and changelog recomputed. */
export function withInputs(n: LogicalNode, inputs: readonly LogicalNode[]): LogicalNode {
  switch (n.kind) {
    case 'scan':
      return n;
    case 'join':
      return makeJoin(n.joinType, inputs[0]!, inputs[1]!, n.condition, n.span);
    case 'union':
      return {
        ...n,
        inputs,
        changelog: inputs.some((i) => i.changelog === 'updating') ? 'updating' : 'append',
      };
    case 'project':
      return makeProject(
        inputs[0]!,
        n.exprs,
        n.schema.map((f) => f.name),
        n.span,
      );
    case 'aggregate':
    case 'windowAggregate':
    case 'windowTableFunction':
    case 'correlate':
    case 'filter':
    case 'watermarkAssigner':
    case 'sink':
      return {
        ...n,
        input: inputs[0]!,
        changelog: n.kind === 'aggregate' ? 'updating' : inputs[0]!.changelog,
      } as LogicalNode;
  }
}

export function makeProject(
  input: LogicalNode,
  exprs: readonly Rex[],
  names: readonly string[],
  span?: Span,
): ProjectNode {
  const schema = exprs.map((e, i) => ({
    name: names[i]!,
    // A time attribute survives a projection only as a column reference or PROCTIME() (as in Flink).
    type: e.kind === 'inputRef' || (e.kind === 'call' && e.op === 'PROCTIME') ? e.type : materialize(e.type),
  }));
  return { kind: 'project', input, exprs, schema, changelog: input.changelog, span };
}

export function makeFilter(input: LogicalNode, condition: Rex, span?: Span): FilterNode {
  return { kind: 'filter', input, condition, schema: input.schema, changelog: input.changelog, span };
}

export function makeJoin(
  joinType: JoinType,
  left: LogicalNode,
  right: LogicalNode,
  condition: Rex | undefined,
  span?: Span,
): JoinNode {
  const nullLeft = joinType === 'RIGHT' || joinType === 'FULL';
  const nullRight = joinType === 'LEFT' || joinType === 'FULL';
  // A regular join keeps rows in state and emits them later: time attributes become plain timestamps.
  const side = (fields: readonly Field[], nullable: boolean) =>
    fields.map((f) => ({
      name: f.name,
      type: nullable ? { ...materialize(f.type), nullable: true } : materialize(f.type),
    }));
  const schema = [...side(left.schema, nullLeft), ...side(right.schema, nullRight)];
  const updating = joinType !== 'INNER' || left.changelog === 'updating' || right.changelog === 'updating';
  return {
    kind: 'join',
    joinType,
    left,
    right,
    condition,
    schema,
    changelog: updating ? 'updating' : 'append',
    span,
  };
}
