// Where a plan's window_start / window_end columns are, traced through projections to their window, and window joins.
import type { Rex } from '../rex';
import { conjuncts } from '../rex';
import type { LogicalNode, WindowSpec } from './plan';

/** The output columns of a plan holding the bounds of one window (Flink's window properties). */
export interface WindowColumns {
  readonly window: WindowSpec;
  /** The column positions; −1 when a projection dropped the column. */
  readonly start: number;
  readonly end: number;
  /** Whether the rows are final per window (a window aggregate's output), not a window TVF's raw rows. */
  readonly aggregated: boolean;
}

/**
 * The window_start and window_end columns of `n`'s output, when `n` is a window table function, a window
 * aggregate or a window join, seen through projections and filters; undefined otherwise.
 *
 * @example windowColumnsOf(project(window aggregate)) // { window: TUMBLE 10 s, start: 2, end: 3, aggregated: true }
 */
export function windowColumnsOf(n: LogicalNode): WindowColumns | undefined {
  switch (n.kind) {
    case 'windowTableFunction': {
      const w = n.input.schema.length;
      return { window: n.window, start: w, end: w + 1, aggregated: false };
    }
    case 'windowAggregate':
      return { window: n.window, start: n.windowStart, end: n.windowEnd, aggregated: true };
    case 'filter':
      return windowColumnsOf(n.input);
    case 'project': {
      const below = windowColumnsOf(n.input);
      if (!below) return undefined;
      const at = (col: number) =>
        col < 0 ? -1 : n.exprs.findIndex((e) => e.kind === 'inputRef' && e.index === col);
      const start = at(below.start);
      const end = at(below.end);
      return start >= 0 || end >= 0 ? { ...below, start, end } : undefined;
    }
    case 'join': {
      // A window join's output keeps the bounds of the side whose rows are always there.
      const j = n.window;
      if (!j || n.joinType === 'FULL') return undefined;
      const width = n.left.schema.length;
      return n.joinType === 'RIGHT'
        ? { window: j.window, start: width + j.rightStart, end: width + j.rightEnd, aggregated: true }
        : { window: j.window, start: j.leftStart, end: j.leftEnd, aggregated: true };
    }
    default:
      return undefined;
  }
}

/** A join on equal window bounds of two windowed inputs (Flink's WindowJoin): the bound columns of each side. */
export interface WindowJoinBounds {
  readonly window: WindowSpec;
  readonly leftStart: number;
  readonly leftEnd: number;
  readonly rightStart: number;
  readonly rightEnd: number;
}

/** Whether two windows assign rows the same way (their time columns may differ). */
function sameWindow(a: WindowSpec, b: WindowSpec): boolean {
  return (
    a.kind === b.kind &&
    a.timeAttribute === b.timeAttribute &&
    a.size === b.size &&
    a.slide === b.slide &&
    a.step === b.step &&
    a.gap === b.gap
  );
}

/** Whether `c` is `a = b` over input columns `x` and `y` (either order). */
function equates(c: Rex, x: number, y: number): boolean {
  if (c.kind !== 'call' || c.op !== '=') return false;
  const [a, b] = c.args;
  if (a?.kind !== 'inputRef' || b?.kind !== 'inputRef') return false;
  return (a.index === x && b.index === y) || (a.index === y && b.index === x);
}

/**
 * The window bounds of a join that is a window join: both inputs append-only and windowed by the same event-time
 * window, and the condition equates their window_start and their window_end (as Flink requires). A SESSION
 * window qualifies only after its window aggregate (its rows' bounds are final only then).
 */
export function windowJoinOf(
  left: LogicalNode,
  right: LogicalNode,
  condition: Rex | undefined,
): WindowJoinBounds | undefined {
  if (!condition || left.changelog !== 'append' || right.changelog !== 'append') return undefined;
  const l = windowColumnsOf(left);
  const r = windowColumnsOf(right);
  if (!l || !r || !sameWindow(l.window, r.window) || l.window.timeAttribute !== 'rowtime') return undefined;
  if (l.start < 0 || l.end < 0 || r.start < 0 || r.end < 0) return undefined;
  if (l.window.kind === 'SESSION' && !(l.aggregated && r.aggregated)) return undefined;
  const width = left.schema.length;
  const parts = conjuncts(condition);
  const starts = parts.some((c) => equates(c, l.start, width + r.start));
  const ends = parts.some((c) => equates(c, l.end, width + r.end));
  if (!starts || !ends) return undefined;
  return { window: l.window, leftStart: l.start, leftEnd: l.end, rightStart: r.start, rightEnd: r.end };
}
