// The logical plan: relational nodes, each with its output schema and whether its output is append-only or updating.
import type { Span } from '../../grammar/ast';
import type { AggregateKind } from '../functions';
import type { Rex, RexCall } from '../rex';
import type { TableDef } from '../catalog';
import type { UdfRef } from '../udf/contract';
import { type Field, type SqlType, T, materialize } from '../types';
import { type WindowJoinBounds, windowJoinOf } from './window-columns';

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
  /**
   * Set by the window-slicing rule (HOP and CUMULATE over their window table function): the input has no window
   * columns; the group keys at windowStart/windowEnd are the rows' time, and each row is aggregated once into its
   * slice (Flink's slice-shared windows).
   */
  readonly sliced?: boolean;
}

export interface JoinNode extends Base {
  readonly kind: 'join';
  readonly joinType: JoinType;
  readonly left: LogicalNode;
  readonly right: LogicalNode;
  /** Over the left columns followed by the right columns; TRUE when absent. */
  readonly condition?: Rex;
  /** Set when the join is a window join (equal window bounds of two windowed inputs): append-only output. */
  readonly window?: WindowJoinBounds;
}

/**
 * Flink's ChangelogNormalize over a source that emits changes and has a PRIMARY KEY: keeps each key's last row,
 * turns an update of an unknown key into an insert, drops a repeated identical row and a delete of an unknown
 * key, and emits every delete with the row it removes. Output: the input's columns.
 */
export interface ChangelogNormalizeNode extends Base {
  readonly kind: 'changelogNormalize';
  readonly input: LogicalNode;
  /** The primary key's input columns. */
  readonly keys: readonly number[];
  /**
   * Flink's DropUpdateBefore in front: -U rows are dropped and none are emitted (a consumer that takes upserts,
   * such as the versioned side of a temporal join, where an update-before would read as a deletion).
   */
  readonly dropUpdateBefore: boolean;
}

/**
 * `left JOIN t FOR SYSTEM_TIME AS OF left.time ON …` (Flink's temporal join). Event time (`rowtime`): each left
 * row joins the version of `t` (a changelog table with a PRIMARY KEY and a watermark) valid at its time, emitted
 * when the watermark passes it. Processing time (`proctime`): each left row joins the rows of `t` as they are
 * when it arrives; `t` is read into memory (a bounded table) or looked up (a database table), so `right` is
 * only its schema and is not run as an input. Output: left columns, then right columns; append-only.
 */
export interface TemporalJoinNode extends Base {
  readonly kind: 'temporalJoin';
  readonly joinType: 'INNER' | 'LEFT';
  readonly time: 'rowtime' | 'proctime';
  readonly left: LogicalNode;
  /** The versioned table's plan (event time), or its scan (processing time: not translated). */
  readonly right: LogicalNode;
  readonly table: TableDef;
  /** The left time attribute of AS OF, and (event time) the versioned table's rowtime column. */
  readonly leftTime: number;
  readonly rightTime: number;
  /** Over the left columns followed by the right columns. */
  readonly condition: Rex;
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

/** One ORDER BY column of an OVER clause: an input column and its direction (NULLs sort as the smallest value). */
export interface OrderKey {
  readonly index: number;
  readonly descending: boolean;
}

/**
 * A function of an OVER clause: ROW_NUMBER (a Top-N or deduplication once an enclosing filter is recognized),
 * or an aggregate over the frame.
 */
export interface OverCall {
  readonly fn: 'ROW_NUMBER' | AggregateKind;
  /** Input columns (empty for ROW_NUMBER and COUNT(*)). */
  readonly args: readonly number[];
  readonly type: SqlType;
  readonly name: string;
  /** Where the call was written, for `not supported` when no Top-N filter follows. */
  readonly span?: Span;
}

/**
 * The frame of an OVER aggregate, ending at the current row: `ROWS BETWEEN n PRECEDING` (rows), `RANGE BETWEEN
 * INTERVAL … PRECEDING` (milliseconds of the order column), or UNBOUNDED PRECEDING (`preceding` undefined).
 */
export interface OverFrame {
  readonly unit: 'ROWS' | 'RANGE';
  readonly preceding?: number;
}

/**
 * `fn() OVER (PARTITION BY … ORDER BY …)`: the input columns, then one column per call. A ROW_NUMBER one
 * becomes a RankNode when the enclosing query filters on it; otherwise it cannot run on a stream.
 */
export interface OverNode extends Base {
  readonly kind: 'over';
  readonly input: LogicalNode;
  readonly partitionKeys: readonly number[];
  readonly orderKeys: readonly OrderKey[];
  readonly calls: readonly OverCall[];
  /** The frame of the aggregate calls (RANGE UNBOUNDED PRECEDING when none was written). */
  readonly frame: OverFrame;
  readonly window?: RankWindow;
}

/** The window a Top-N is partitioned by (window_start and window_end among its PARTITION BY columns). */
export interface RankWindow {
  readonly spec: WindowSpec;
  /** Input columns of window_start and window_end. */
  readonly startIndex: number;
  readonly endIndex: number;
}

/**
 * Flink's Rank: `ROW_NUMBER() OVER (PARTITION BY … ORDER BY …) AS rn` filtered to `rankStart ≤ rn ≤ rankEnd`.
 * Output: the input columns, then the rank number (NULL when `outputRankNumber` is false: nothing reads it).
 * Planned as a Top-N, a deduplication (Top-1 on a time attribute, rank number unused), or per window when
 * partitioned by a window's bounds.
 */
export interface RankNode extends Base {
  readonly kind: 'rank';
  readonly input: LogicalNode;
  readonly partitionKeys: readonly number[];
  readonly orderKeys: readonly OrderKey[];
  readonly rankStart: number;
  readonly rankEnd: number;
  readonly outputRankNumber: boolean;
  /** The rank number column's name (the ROW_NUMBER alias). */
  readonly rankColumn: string;
  readonly window?: RankWindow;
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
  | TemporalJoinNode
  | CorrelateNode
  | UnionNode
  | OverNode
  | RankNode
  | ChangelogNormalizeNode
  | SinkNode;

export type LogicalKind = LogicalNode['kind'];

/** The node's inputs in order. */
export function inputsOf(n: LogicalNode): readonly LogicalNode[] {
  switch (n.kind) {
    case 'scan':
      return [];
    case 'join':
    case 'temporalJoin':
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
    case 'temporalJoin':
      return makeTemporalJoin({ ...n, left: inputs[0]!, right: inputs[1]! });
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
    case 'rank':
      return makeRank({ ...n, input: inputs[0]! });
    case 'over':
    case 'aggregate':
    case 'windowAggregate':
    case 'windowTableFunction':
    case 'correlate':
    case 'filter':
    case 'watermarkAssigner':
    case 'changelogNormalize':
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
  // A window join emits each window's final rows once, outer joins included (Flink's WindowJoin).
  const window = windowJoinOf(left, right, condition);
  const updating =
    window === undefined &&
    (joinType !== 'INNER' || left.changelog === 'updating' || right.changelog === 'updating');
  return {
    kind: 'join',
    joinType,
    left,
    right,
    condition,
    schema,
    changelog: updating ? 'updating' : 'append',
    ...(window ? { window } : {}),
    span,
  };
}

/** How a Top-N runs: Flink's Deduplicate, Top-N per window, or the general Rank. */
export type RankStrategy =
  | {
      readonly kind: 'deduplicate';
      readonly keepLastRow: boolean;
      readonly timeAttribute: 'rowtime' | 'proctime';
    }
  | { readonly kind: 'window' }
  | { readonly kind: 'topN' };

/**
 * As Flink plans a Rank: Top-1 ordered by a time attribute alone without the rank number is a deduplication
 * (ASC keeps the first row, DESC the last); a rank partitioned by a window's bounds ranks each window once.
 */
export function rankStrategy(n: Omit<RankNode, 'kind' | 'schema' | 'changelog'>): RankStrategy {
  if (n.window) return { kind: 'window' };
  const t = n.orderKeys.length === 1 ? n.input.schema[n.orderKeys[0]!.index]!.type : undefined;
  const attr = t && (t.kind === 'TIMESTAMP' || t.kind === 'TIMESTAMP_LTZ') ? t.timeAttribute : undefined;
  if (attr && !n.outputRankNumber && n.rankStart === 1 && n.rankEnd === 1 && n.input.changelog === 'append')
    return { kind: 'deduplicate', keepLastRow: n.orderKeys[0]!.descending, timeAttribute: attr };
  return { kind: 'topN' };
}

/**
 * Flink's WindowDeduplicate: a window Top-1 ordered by a timestamp alone, the rank number unused — which
 * row of each window it keeps (of rows with equal times, keep-last takes the later one).
 */
export function windowDeduplication(n: RankNode): 'first' | 'last' | undefined {
  if (!n.window || n.rankStart !== 1 || n.rankEnd !== 1 || n.outputRankNumber || n.orderKeys.length !== 1)
    return undefined;
  // The window table function's own time column is no time attribute any more (window_time is): any timestamp.
  const t = n.input.schema[n.orderKeys[0]!.index]!.type;
  if (t.kind !== 'TIMESTAMP' && t.kind !== 'TIMESTAMP_LTZ') return undefined;
  return n.orderKeys[0]!.descending ? 'last' : 'first';
}

/**
 * A RankNode with its schema and changelog: append-only for a window Top-N and for keep-first deduplication
 * on processing time (as in Flink 1.20; keep-first on event time replaces its row when an earlier one arrives).
 */
export function makeRank(n: Omit<RankNode, 'kind' | 'schema' | 'changelog'>): RankNode {
  const strategy = rankStrategy(n);
  const append =
    strategy.kind === 'window' ||
    (strategy.kind === 'deduplicate' && !strategy.keepLastRow && strategy.timeAttribute === 'proctime');
  const keepsTime = strategy.kind === 'window' || strategy.kind === 'deduplicate';
  return {
    kind: 'rank',
    input: n.input,
    partitionKeys: n.partitionKeys,
    orderKeys: n.orderKeys,
    rankStart: n.rankStart,
    rankEnd: n.rankEnd,
    outputRankNumber: n.outputRankNumber,
    rankColumn: n.rankColumn,
    ...(n.window ? { window: n.window } : {}),
    schema: [
      ...n.input.schema.map((f) => (keepsTime ? f : { ...f, type: materialize(f.type) })),
      { name: n.rankColumn, type: T.bigint(!n.outputRankNumber) },
    ],
    changelog: append ? 'append' : 'updating',
    span: n.span,
  };
}

/** A temporal join over `n.left` and `n.right`, its schema and changelog computed. */
export function makeTemporalJoin(
  n: Omit<TemporalJoinNode, 'kind' | 'schema' | 'changelog'> & Partial<Pick<TemporalJoinNode, 'schema'>>,
): TemporalJoinNode {
  // The left side keeps its time attributes (its rows are emitted in event time); the right side's are plain.
  const right = n.right.schema.map((f) => ({
    name: f.name,
    type: n.joinType === 'LEFT' ? { ...materialize(f.type), nullable: true } : materialize(f.type),
  }));
  return {
    kind: 'temporalJoin',
    joinType: n.joinType,
    time: n.time,
    left: n.left,
    right: n.right,
    table: n.table,
    leftTime: n.leftTime,
    rightTime: n.rightTime,
    condition: n.condition,
    schema: [...n.left.schema, ...right],
    changelog: n.left.changelog,
    span: n.span,
  };
}
