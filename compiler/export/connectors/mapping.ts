// What a connector's mapping to Flink is made of: the Flink connector, per-option rules, and table-level notes.
import type { CreateTableStatement } from '../../../grammar/ast';

/** A `'key' = 'value'` pair of a Flink WITH clause. */
export type FlinkOption = readonly [key: string, value: string];

/** What a rule sees: the table, all its weir options, whether the script writes to it, and where notes go. */
export interface MappingContext {
  readonly table: CreateTableStatement;
  readonly options: ReadonlyMap<string, string>;
  /** True when the script inserts into the table (it is a sink), false when it only reads it. */
  readonly sink: boolean;
  /** True when the script sets 'execution.checkpointing.interval'. */
  readonly checkpointing: boolean;
  /** Adds a note for the reader (a `-- weir:` comment before the CREATE TABLE). */
  readonly note: (text: string) => void;
}

/**
 * How one weir option becomes Flink options: 'same' keeps key and value; a function returns the Flink
 * options (none when there is no equivalent, after saying so with `ctx.note`: never drop one silently).
 */
export interface OptionRule {
  /** The weir key, or a pattern for families such as `fields.<column>.min`. */
  readonly key: string | RegExp;
  readonly map: 'same' | ((value: string, key: string, ctx: MappingContext) => readonly FlinkOption[]);
}

export interface ConnectorMapping {
  /** Flink's connector identifier ('jdbc' for weir's 'postgres'). */
  readonly flinkConnector: string;
  /** What Flink needs on its classpath for this connector, when it is not built in. */
  readonly requires?: string;
  readonly rules: readonly OptionRule[];
  /** Options and notes about the table as a whole (added after the mapped options). */
  readonly table?: (ctx: MappingContext) => readonly FlinkOption[];
}

/** A note for an option that has no Flink equivalent, naming it with its value. */
export function unmapped(
  key: string,
  value: string,
  why: string,
  ctx: MappingContext,
): readonly FlinkOption[] {
  ctx.note(`'${key}' = '${value}' is not mapped: ${why}`);
  return [];
}

/** weir's `sink.rows-per-second` (a sink slowed on purpose): Flink has no such option. */
export const PACED_SINK_RULE: OptionRule = {
  key: 'sink.rows-per-second',
  map: (v, k, ctx) =>
    unmapped(k, v, "weir's deliberate backpressure for tests and benches; Flink has no such option.", ctx),
};
