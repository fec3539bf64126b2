// The job graph: operators with stable uids, edges with their partitioning, and chains of operators fused into tasks.
import type { TableDef } from '../catalog';
import type {
  AggCall,
  ChangelogMode,
  JoinType,
  OrderKey,
  OverFrame,
  SinkTarget,
  WindowSpec,
} from '../logical/plan';
import type { Rex, RexCall } from '../rex';
import type { IntervalBounds } from './interval-bounds';
import type { Field } from '../types';

/** Plain data: a job graph can be serialized to a worker thread or the playground. */
export type OperatorSpec =
  | { readonly kind: 'source'; readonly table: TableDef }
  | { readonly kind: 'watermarkAssigner'; readonly rowtimeIndex: number; readonly watermark: Rex }
  | { readonly kind: 'calc'; readonly condition?: Rex; readonly projection?: readonly Rex[] }
  | { readonly kind: 'groupAggregate'; readonly keys: readonly number[]; readonly aggs: readonly AggCall[] }
  | { readonly kind: 'windowTableFunction'; readonly window: WindowSpec }
  | { readonly kind: 'correlate'; readonly call: RexCall; readonly joinType: 'INNER' | 'LEFT' }
  | {
      readonly kind: 'windowAggregate';
      readonly window: WindowSpec;
      readonly keys: readonly number[];
      readonly windowStart: number;
      readonly windowEnd: number;
      readonly aggs: readonly AggCall[];
    }
  | {
      /**
       * A HOP or CUMULATE window aggregate on slices (Flink's SlicingWindowOperator): the group keys at windowStart
       * and windowEnd are the rows' time column; each row goes once into its slice, a window merges its slices.
       */
      readonly kind: 'slicingWindowAggregate';
      readonly window: WindowSpec;
      readonly keys: readonly number[];
      readonly windowStart: number;
      readonly windowEnd: number;
      readonly aggs: readonly AggCall[];
    }
  | {
      readonly kind: 'join';
      readonly joinType: JoinType;
      readonly leftKeys: readonly number[];
      readonly rightKeys: readonly number[];
      /** The rest of the ON condition, over left columns then right columns. */
      readonly condition?: Rex;
      readonly leftWidth: number;
      readonly rightWidth: number;
    }
  | ({
      /**
       * An interval join of two append-only inputs (Flink's IntervalJoin): rows match when their keys are
       * equal and `right.ts + lowerBound ≤ left.ts ≤ right.ts + upperBound` (`<` where not inclusive) on the
       * inputs' rowtime columns; each row is kept only until the watermark passes its last possible match.
       */
      readonly kind: 'intervalJoin';
      readonly joinType: JoinType;
      readonly leftKeys: readonly number[];
      readonly rightKeys: readonly number[];
      /** The rest of the ON condition (not the keys nor the two bounds), over left then right columns. */
      readonly condition?: Rex;
      readonly leftWidth: number;
      readonly rightWidth: number;
    } & Omit<IntervalBounds, 'rest'>)
  | {
      /** Flink's Rank (Top-N): per partition, the rows ranked rankStart..rankEnd by the order keys (ties: arrival). */
      readonly kind: 'rank';
      readonly partitionKeys: readonly number[];
      readonly orderKeys: readonly OrderKey[];
      readonly rankStart: number;
      readonly rankEnd: number;
      readonly outputRankNumber: boolean;
    }
  | {
      /** Flink's Deduplicate: per key, the first or last row by a time attribute. */
      readonly kind: 'deduplicate';
      readonly keys: readonly number[];
      readonly keepLastRow: boolean;
      readonly timeIndex: number;
      readonly timeAttribute: 'rowtime' | 'proctime';
    }
  | {
      /**
       * Flink's WindowRank / WindowDeduplicate: rows of each window (by its end column) held until the
       * watermark passes the window's end, then its ranks rankStart..rankEnd emitted once, append-only.
       */
      readonly kind: 'windowRank';
      readonly partitionKeys: readonly number[];
      /** The partition columns other than the window's bounds: the state key (a key's windows share it). */
      readonly keys: readonly number[];
      readonly orderKeys: readonly OrderKey[];
      readonly rankStart: number;
      readonly rankEnd: number;
      readonly outputRankNumber: boolean;
      readonly windowEndIndex: number;
      readonly timeAttribute: 'rowtime' | 'proctime';
      /** Window deduplication keeping the last row: of rows with equal times the later one wins (Flink's). */
      readonly lastWinsTies: boolean;
    }
  | {
      /**
       * Flink's OverAggregate: each row with aggregates over its partition's frame ending at it, ordered by a time
       * attribute; on event time rows wait until the watermark passes them, on processing time they go at once.
       */
      readonly kind: 'overAggregate';
      readonly partitionKeys: readonly number[];
      readonly timeIndex: number;
      readonly timeAttribute: 'rowtime' | 'proctime';
      readonly frame: OverFrame;
      readonly aggs: readonly AggCall[];
    }
  | {
      /**
       * A window join (Flink's WindowJoin): rows of both sides that share their keys, window_start and window_end
       * meet when the watermark passes the window's end, are joined once, and leave state (append-only output).
       * The keys include both window bounds, so each key holds the rows of one window.
       */
      readonly kind: 'windowJoin';
      readonly joinType: JoinType;
      readonly leftKeys: readonly number[];
      readonly rightKeys: readonly number[];
      /** The rest of the ON condition, over left columns then right columns. */
      readonly condition?: Rex;
      readonly leftWidth: number;
      readonly rightWidth: number;
      /** The window_end column of each input. */
      readonly leftEnd: number;
      readonly rightEnd: number;
    }
  | {
      /**
       * An event-time temporal join (Flink's TemporalRowTimeJoin): left rows wait until the watermark passes
       * their `leftTime`, then join the right row of their key with the latest `rightTime` not after it.
       */
      readonly kind: 'temporalJoin';
      readonly joinType: 'INNER' | 'LEFT';
      readonly leftKeys: readonly number[];
      readonly rightKeys: readonly number[];
      readonly condition?: Rex;
      readonly leftTime: number;
      readonly rightTime: number;
      readonly leftWidth: number;
      readonly rightWidth: number;
    }
  | {
      /** A processing-time temporal join: each left row joins the rows of `table` with the looked-up keys. */
      readonly kind: 'lookupJoin';
      readonly joinType: 'INNER' | 'LEFT';
      readonly table: TableDef;
      /** Expressions over the left row, equal to the right columns `rightKeys`. */
      readonly leftKeys: readonly Rex[];
      readonly rightKeys: readonly number[];
      readonly condition?: Rex;
      readonly leftWidth: number;
      readonly rightWidth: number;
    }
  | { readonly kind: 'union'; readonly inputs: number }
  /** Flink's ChangelogNormalize: the last row per primary key (see the logical node). */
  | {
      readonly kind: 'changelogNormalize';
      readonly keys: readonly number[];
      readonly dropUpdateBefore: boolean;
    }
  | { readonly kind: 'sink'; readonly target: SinkTarget };

export type OperatorKind = OperatorSpec['kind'];

/**
 * How records travel an edge: `forward` keeps subtask i → subtask i; `hash` routes by the key group of
 * the key columns; `global` sends everything to subtask 0.
 */
export type Partitioning =
  | { readonly kind: 'forward' }
  | { readonly kind: 'hash'; readonly keys: readonly number[] }
  | { readonly kind: 'global' };

export interface JobEdge {
  /** The upstream operator's id. */
  readonly source: number;
  readonly partitioning: Partitioning;
}

export interface JobOperator {
  readonly id: number;
  /** Stable across harmless query edits: the key under which the operator's state is saved. */
  readonly uid: string;
  /** For people: `GroupAggregate(keys=[auction], aggs=[COUNT(*)])`. */
  readonly name: string;
  readonly spec: OperatorSpec;
  readonly parallelism: number;
  /** Inputs in order (a join: left, then right). */
  readonly inputs: readonly JobEdge[];
  readonly schema: readonly Field[];
  readonly changelog: ChangelogMode;
  /** Whether the operator keeps keyed state (and so is snapshotted and restored). */
  readonly stateful: boolean;
  /**
   * For stateful operators, what bounds the state: the watermark (windows, interval joins), processing
   * time, `table.exec.state.ttl`, or nothing (a GROUP BY or regular join grows with its keys).
   */
  readonly stateBound?: 'watermark' | 'processing time' | 'ttl' | 'unbounded';
}

/** Operators fused into one task (Flink's operator chain): they call each other synchronously. */
export interface JobChain {
  readonly id: number;
  /** Operator ids, head first. */
  readonly operators: readonly number[];
  readonly parallelism: number;
}

export interface JobGraph {
  readonly name: string;
  readonly parallelism: number;
  readonly maxParallelism: number;
  /** In topological order: every operator after its inputs. */
  readonly operators: readonly JobOperator[];
  readonly chains: readonly JobChain[];
}
